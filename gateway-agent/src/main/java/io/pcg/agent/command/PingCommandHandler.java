package io.pcg.agent.command;

import jakarta.inject.Singleton;

/** {@code agent.ping}: answers with its payload. Lets the console, the demo and the benchmark check the stream end to end. */
@Singleton
public final class PingCommandHandler implements CommandHandler {

    public static final String TYPE = "agent.ping";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(AgentCommand command) {
        return command.payloadJson();
    }

    @Override
    public boolean blocking() {
        return false;
    }
}
