package io.pcg.agent.vsphere;

import java.rmi.RemoteException;

/** The server answered, but not with vSphere SOAP (an HTML page, a 404, JSON...). */
final class NotVimResponseException extends RemoteException {

    NotVimResponseException(String message) {
        super(message);
    }

    NotVimResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
