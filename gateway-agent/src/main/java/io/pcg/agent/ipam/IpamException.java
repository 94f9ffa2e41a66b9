package io.pcg.agent.ipam;

/** An IPAM request an operator can fix: a stable code, what is wrong and what to do. */
public class IpamException extends Exception {

    public static final String NOT_FOUND = "IPAM_POOL_NOT_FOUND";
    public static final String ALREADY_EXISTS = "IPAM_POOL_EXISTS";
    public static final String IN_USE = "IPAM_POOL_IN_USE";
    public static final String CONFLICT = "IPAM_CONCURRENT_CHANGE";
    public static final String INVALID = "IPAM_INVALID";

    private final String code;
    private final String hint;

    public IpamException(String code, String message, String hint) {
        super(message);
        this.code = code;
        this.hint = hint;
    }

    public String code() {
        return code;
    }

    public String hint() {
        return hint;
    }
}
