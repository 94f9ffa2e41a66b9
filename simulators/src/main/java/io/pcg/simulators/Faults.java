package io.pcg.simulators;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Simulator: faults injected into the simulated providers, matched by Machine name (which is also the VM and
 * VSphereVM name, as CAPV names them). Reconciliation goes on while a fault is active: the failure shows as a
 * condition with the fault's message and clears by itself once the fault is {@linkplain Fault#clear() cleared}.
 */
public final class Faults {

    /** What a fault does. */
    public enum Type {
        /** The VM clone task fails: VSphereVM/VSphereMachine {@code VirtualMachineProvisioned=False, TaskFailed}. */
        CLONE_ERROR,
        /** The guest never registers its Node: the Machine never gets a nodeRef and never becomes Ready. */
        NEVER_READY
    }

    /** One active fault; {@link #clear()} ends it and lets reconciliation continue. */
    public final class Fault {
        private final Type type;
        private final Predicate<String> machines;
        private final String message;
        private final String description;

        private Fault(Type type, Predicate<String> machines, String message, String description) {
            this.type = type;
            this.machines = machines;
            this.message = message;
            this.description = description;
        }

        public Type type() {
            return type;
        }

        public String message() {
            return message;
        }

        public void clear() {
            if (active.remove(this)) {
                changed();
            }
        }

        @Override
        public String toString() {
            return type + " for " + description + (message == null ? "" : ": " + message);
        }
    }

    private final List<Fault> active = new CopyOnWriteArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** No faults (add some later). */
    public static Faults none() {
        return new Faults();
    }

    /** The clone of the named machine's VM fails with {@code message} until cleared. */
    public Fault failClone(String machineName, String message) {
        return add(Type.CLONE_ERROR, machineName::equals, message, machineName);
    }

    /** Clones of every VM whose machine name matches fail with {@code message} until cleared. */
    public Fault failClone(Predicate<String> machineNames, String message) {
        return add(Type.CLONE_ERROR, machineNames, message, "matching machines");
    }

    /** The named machine's guest never registers its Node until cleared. */
    public Fault neverReady(String machineName) {
        return add(Type.NEVER_READY, machineName::equals, null, machineName);
    }

    /** Matching machines' guests never register their Nodes until cleared. */
    public Fault neverReady(Predicate<String> machineNames) {
        return add(Type.NEVER_READY, machineNames, null, "matching machines");
    }

    /** Ends every fault. */
    public void clearAll() {
        if (!active.isEmpty()) {
            active.clear();
            changed();
        }
    }

    public List<Fault> active() {
        return List.copyOf(active);
    }

    /** The message of an active clone fault for this machine. */
    Optional<String> cloneError(String machineName) {
        return active.stream()
                .filter(f -> f.type == Type.CLONE_ERROR && f.machines.test(machineName))
                .map(f -> f.message)
                .findFirst();
    }

    /** True while a never-ready fault matches this machine. */
    boolean isNeverReady(String machineName) {
        return active.stream().anyMatch(f -> f.type == Type.NEVER_READY && f.machines.test(machineName));
    }

    /** Called (on the caller's thread) whenever a fault is added or cleared. */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private Fault add(Type type, Predicate<String> machines, String message, String description) {
        Objects.requireNonNull(machines, "machines");
        if (type == Type.CLONE_ERROR && (message == null || message.isBlank())) {
            throw new IllegalArgumentException("a clone fault needs a message");
        }
        Fault fault = new Fault(type, machines, message, description);
        active.add(fault);
        changed();
        return fault;
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
