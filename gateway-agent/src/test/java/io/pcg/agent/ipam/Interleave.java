package io.pcg.agent.ipam;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Holds back the first request that matches until an action (the concurrent change, made with another client)
 * has run. Runs on the requesting thread, before the request is sent.
 */
final class Interleave implements Interceptor {

    interface Action {
        void run() throws Exception;
    }

    private volatile Predicate<HttpRequest> observed = request -> false;
    private volatile Runnable onObserved = () -> {};
    private volatile Predicate<HttpRequest> trigger = request -> false;
    private volatile Action action;
    private final AtomicBoolean happened = new AtomicBoolean();

    /** Runs {@code action} before the first request matching {@code trigger}. */
    void once(Predicate<HttpRequest> trigger, Action action) {
        this.action = action;
        this.trigger = trigger;
    }

    /** Runs {@code then} before every request matching {@code requests} (and before the {@link #once} check). */
    void observe(Predicate<HttpRequest> requests, Runnable then) {
        this.onObserved = then;
        this.observed = requests;
    }

    boolean happened() {
        return happened.get();
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (observed.test(request)) {
            onObserved.run();
        }
        if (trigger.test(request) && happened.compareAndSet(false, true)) {
            try {
                action.run();
            } catch (Exception e) {
                throw new IllegalStateException("the interleaved change failed", e);
            }
        }
    }
}
