package io.pcg.console.gateway;

import io.pcg.console.ConsoleException;

/** No gateway record has the given id. */
public class UnknownGatewayException extends ConsoleException {

    public UnknownGatewayException(String id) {
        super(Kind.NOT_FOUND, "no gateway with id '" + id + "'; list the gateways with GET /api/gateways");
    }
}
