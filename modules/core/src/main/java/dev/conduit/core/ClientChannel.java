package dev.conduit.core;

import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * The way back to the client while a request is being served: notifications related to that request (progress,
 * log messages) go out before its response. On Streamable HTTP the first message upgrades the response to an SSE
 * stream. Sending after the response has been written, or to a client that went away, is silently dropped.
 */
@FunctionalInterface
public interface ClientChannel {

    /** Sends {@code notification} to the client. Never blocks for longer than a bounded write. */
    void send(JsonRpcNotification notification);

    /** A channel that drops everything, for callers that have no way back. */
    static ClientChannel discarding() {
        return notification -> { };
    }
}
