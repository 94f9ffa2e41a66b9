package io.pcg.agent.state;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the agent keeps a piece of its state by name: the state folder on the installer VM, a Secret in the gateway
 * cluster once the agent manages from there, so that every replica of the agent finds what the leader wrote.
 *
 * <p>Names are file names, optionally in one folder ({@code keys/account.key}); a Secret stores the folder as a
 * prefix with a dot.
 */
public interface StateStorage {

    /** The content stored under {@code name}, empty if nothing is. */
    Optional<byte[]> read(String name) throws IOException;

    /** Replaces what is stored under {@code name}, all at once: a reader sees the old or the new content. */
    void write(String name, byte[] content) throws IOException;

    /** Removes what is stored under {@code name}; nothing stored is fine. */
    void delete(String name) throws IOException;

    /** Where {@code name} is kept, for messages: a path, or a Secret and its key. */
    String describe(String name);
}
