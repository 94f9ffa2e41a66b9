package io.pcg.vsphere.soap;

import java.rmi.RemoteException;

/** The server answered, but not with vSphere SOAP (an HTML page, a 404, JSON...). */
public final class NotVimResponseException extends RemoteException {

    public NotVimResponseException(String message) {
        super(message);
    }

    public NotVimResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
