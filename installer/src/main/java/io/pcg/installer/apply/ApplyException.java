package io.pcg.installer.apply;

/** The settings were valid but configuring the appliance failed (a write or a systemctl call). */
public class ApplyException extends Exception {

    public ApplyException(String message, Throwable cause) {
        super(message, cause);
    }

    public ApplyException(String message) {
        super(message);
    }
}
