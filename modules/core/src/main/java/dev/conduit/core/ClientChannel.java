package dev.conduit.core;

import dev.conduit.core.jsonrpc.JsonRpcMessage;

/**
 * The way back to the client while a request is being served: notifications related to that request (progress,
 * log messages) and this server's own requests caused by it (an upstream's sampling or elicitation, relayed) go out
 * before its response. On Streamable HTTP the first message upgrades the response to an SSE stream. Sending after the
 * response has been written, or to a client that went away, is silently dropped.
 */
@FunctionalInterface
public interface ClientChannel {

    /** Sends {@code message} (a notification or a request) to the client. Never blocks for longer than a bounded write. */
    void send(JsonRpcMessage message);

    /**
     * Whether a request sent now can reach the client: false for a channel that drops everything and for an HTTP
     * response the client accepts only as plain JSON (it has no stream to carry a request).
     */
    default boolean carriesRequests() {
        return true;
    }

    /** A channel that drops everything, for callers that have no way back. */
    static ClientChannel discarding() {
        return new ClientChannel() {
            @Override
            public void send(JsonRpcMessage message) {
            }

            @Override
            public boolean carriesRequests() {
                return false;
            }
        };
    }
}
