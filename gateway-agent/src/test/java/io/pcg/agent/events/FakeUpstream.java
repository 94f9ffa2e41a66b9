package io.pcg.agent.events;

import io.pcg.agent.link.Upstream;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Event;
import java.util.ArrayList;
import java.util.List;

/** A control stream that records what it is sent, and that can end (refuse) after a number of messages. */
final class FakeUpstream implements Upstream {

    final List<AgentMessage> sent = new ArrayList<>();
    private int acceptsLeft;

    /** A stream that stays up. */
    FakeUpstream() {
        this(Integer.MAX_VALUE);
    }

    /** A stream that ends after taking {@code accepts} messages, as one that broke before the link noticed. */
    FakeUpstream(int accepts) {
        this.acceptsLeft = accepts;
    }

    @Override
    public synchronized boolean send(AgentMessage message) {
        if (acceptsLeft == 0) {
            return false;
        }
        acceptsLeft--;
        sent.add(message);
        return true;
    }

    synchronized List<Event> events() {
        return sent.stream()
                .filter(AgentMessage::hasEvent)
                .map(AgentMessage::getEvent)
                .toList();
    }

    synchronized List<String> reasons() {
        return events().stream().map(Event::getReason).toList();
    }
}
