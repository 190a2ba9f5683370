package dev.conduit.core.jsonrpc;

import java.io.Serial;
import java.util.Objects;

/**
 * Thrown by a method handler to answer with a specific JSON-RPC error. The message of the error is shown to the
 * client as it is, so it must be written for the client. No stack trace is captured: this is a value, not a fault.
 */
public final class RpcException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient JsonRpcError error;

    /** An exception answering with {@code error}. */
    public RpcException(JsonRpcError error) {
        super(Objects.requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    /** The error to answer with. */
    public JsonRpcError error() {
        return error;
    }
}
