package dev.conduit.upstream;

import java.time.Duration;

import dev.conduit.core.Cancellation;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import tools.jackson.databind.JsonNode;

/**
 * A live JSON-RPC channel to one upstream MCP server. Thread-safe: many requests may be in flight at once and are
 * matched to their responses by id. Requests the server sends are answered by the connection itself.
 */
interface McpConnection extends AutoCloseable {

    /**
     * Sends a request and waits for its response.
     *
     * @throws UpstreamException when the connection fails or no answer comes within {@code timeout}
     */
    default JsonRpcResponse request(String method, JsonNode params, Duration timeout) throws UpstreamException {
        return request(method, params, timeout, new Cancellation());
    }

    /**
     * The same; when the client cancels, the server is told ({@code notifications/cancelled}) and the call fails at
     * once.
     */
    JsonRpcResponse request(String method, JsonNode params, Duration timeout, Cancellation cancellation)
            throws UpstreamException;

    /** Sends a notification; failures are logged, not thrown. */
    void notify(String method, JsonNode params);

    /** Whether the connection can still carry requests. */
    boolean alive();

    /** Ends the connection and anything it started; pending requests fail at once. */
    @Override
    void close();

    /** Receives the notifications the server sends. */
    @FunctionalInterface
    interface Listener {
        void onNotification(JsonRpcNotification notification);
    }
}
