package io.pcg.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The agent's version, from the build (filtered resource pcg-agent.properties). */
public final class AgentVersion {

    private static final String RESOURCE = "/pcg-agent.properties";

    private AgentVersion() {}

    public static String current() {
        try (InputStream in = AgentVersion.class.getResourceAsStream(RESOURCE)) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
