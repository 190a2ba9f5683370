package dev.conduit.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
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
        return request(method, params, timeout, Optional.empty());
    }

    /**
     * The same on behalf of a client's request, {@code cause}: when the client cancels it, the server is told
     * ({@code notifications/cancelled}) and the call fails at once; what the server asks or logs while serving the
     * call is routed to that client.
     */
    JsonRpcResponse request(String method, JsonNode params, Duration timeout, Optional<RequestContext> cause)
            throws UpstreamException;

    /**
     * The same with {@code headers} for a transport that has them (Streamable HTTP: a modern tool call's
     * {@code Mcp-Param-*} headers); others send the request without them.
     */
    default JsonRpcResponse request(String method, JsonNode params, Duration timeout, Optional<RequestContext> cause,
                                    Map<String, String> headers) throws UpstreamException {
        return request(method, params, timeout, cause);
    }

    /** Sends a notification; failures are logged, not thrown. */
    void notify(String method, JsonNode params);

    /** Whether the connection can still carry requests. */
    boolean alive();

    /** Ends the connection and anything it started; pending requests fail at once. */
    @Override
    void close();

    /**
     * Receives what the server sends besides responses. {@code cause} is the client request the message belongs to,
     * when the connection can tell (see {@link MessageRouter}).
     */
    interface Listener {
        void onNotification(JsonRpcNotification notification, Optional<RequestContext> cause);

        /** Answers a request of the server's (never {@code ping}, which the connection answers itself). */
        JsonRpcResponse onRequest(JsonRpcRequest request, Optional<RequestContext> cause);

        /** Whether the work of {@code cause} is blocked waiting for its client, so cannot be asking anything new. */
        default boolean waitingForClient(RequestContext cause) {
            return false;
        }
    }
}
