package io.pcg.common.net;

/** Text that should have been an address, range or CIDR is not one; the message says what was expected. */
public class InvalidAddressException extends IllegalArgumentException {

    public InvalidAddressException(String message) {
        super(message);
    }
}
