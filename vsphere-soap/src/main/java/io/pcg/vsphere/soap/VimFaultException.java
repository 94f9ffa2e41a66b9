package io.pcg.vsphere.soap;

import com.vmware.vim25.MethodFault;
import java.rmi.RemoteException;

/**
 * A SOAP fault from vCenter. The typed fault travels as a field instead of being thrown itself, because yavijava's
 * faults can only get a message by writing {@code Throwable.detailMessage} reflectively (which needs
 * {@code --add-opens java.base/java.lang}); this way nothing needs JVM flags.
 */
public final class VimFaultException extends RemoteException {

    private final transient MethodFault fault;

    VimFaultException(String faultString, MethodFault fault) {
        super(faultString == null || faultString.isBlank() ? "vCenter returned a fault" : faultString);
        this.fault = fault;
    }

    /** The typed fault, or {@code null} when the server named a fault the 6.0 model does not know. */
    public MethodFault fault() {
        return fault;
    }

    public boolean is(Class<? extends MethodFault> type) {
        return type.isInstance(fault);
    }

    /** The fault type name as the server sent it, for messages. */
    public String faultName() {
        return fault == null ? "unknown fault" : fault.getClass().getSimpleName();
    }
}
