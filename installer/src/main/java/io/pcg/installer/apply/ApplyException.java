package io.pcg.installer.apply;

import io.pcg.common.errors.OperatorException;

/** The settings were valid but configuring the appliance failed (a write or a systemctl call). */
public class ApplyException extends OperatorException {

    private static final String CODE = "INSTALLER_APPLY_FAILED";
    /** The input was valid, so a redeploy would not help: the cause is on this VM and apply can simply run again. */
    private static final String HINT = "Fix the cause shown in the log, then run: sudo pcg-installer apply";

    public ApplyException(String message, Throwable cause) {
        super(CODE, message, HINT, cause);
    }

    public ApplyException(String message) {
        super(CODE, message, HINT);
    }
}
