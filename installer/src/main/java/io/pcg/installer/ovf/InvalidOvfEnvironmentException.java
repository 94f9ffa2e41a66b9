package io.pcg.installer.ovf;

import io.pcg.common.errors.OperatorException;

/** The OVF environment could not be read or is not a valid document; the message says why and what to do. */
public class InvalidOvfEnvironmentException extends OperatorException {

    private static final String CODE = "OVF_ENVIRONMENT_INVALID";

    public InvalidOvfEnvironmentException(String message) {
        super(CODE, message, OvfEnvironment.REDEPLOY_ADVICE);
    }
}
