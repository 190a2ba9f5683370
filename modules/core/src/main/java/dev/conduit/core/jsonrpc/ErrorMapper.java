package dev.conduit.core.jsonrpc;

import java.lang.System.Logger.Level;

/**
 * The one place where failures become JSON-RPC errors. An {@link RpcException} is an expected outcome and passes its
 * error through; anything else is a fault: it is logged with its stack trace under the correlation id and the client
 * sees only a generic internal error naming that id, so no stack trace, class name or host path reaches the wire.
 */
public final class ErrorMapper {
    private static final System.Logger LOGGER = System.getLogger(ErrorMapper.class.getName());

    private ErrorMapper() {
    }

    /** The error to send for {@code failure}, raised while serving the request with {@code correlationId}. */
    public static JsonRpcError toError(Throwable failure, String correlationId) {
        if (failure instanceof RpcException rpc) {
            return rpc.error();
        }
        LOGGER.log(Level.ERROR, "[" + correlationId + "] request failed", failure);
        return internalError(correlationId);
    }

    /** The generic internal error that points at the log entry for {@code correlationId}. */
    public static JsonRpcError internalError(String correlationId) {
        return JsonRpcError.of(ErrorCodes.INTERNAL_ERROR,
                "Internal error; the server log has the details under correlation id " + correlationId);
    }
}
