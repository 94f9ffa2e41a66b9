package io.pcg.installer.ovf;

/** The OVF environment could not be read or is not a valid document; the message says why and what to do. */
public class InvalidOvfEnvironmentException extends Exception {

    public InvalidOvfEnvironmentException(String message) {
        super(message);
    }
}
