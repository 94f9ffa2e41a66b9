package io.pcg.agent.link;

import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.CommandHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A command that runs until the test releases it and answers with how many times it has run, so a fault test can
 * break the link while it runs and count the runs.
 */
final class BlockingHandler implements CommandHandler {

    static final String TYPE = "test.blocking";

    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(AgentCommand command) throws CommandFailedException {
        int run = runs.incrementAndGet();
        started.countDown();
        try {
            if (!release.await(2, TimeUnit.MINUTES)) {
                throw new CommandFailedException("TEST_NOT_RELEASED", "the test never released the command", "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("TEST_INTERRUPTED", "interrupted while blocked", "");
        }
        return "{\"run\":" + run + "}";
    }
}
