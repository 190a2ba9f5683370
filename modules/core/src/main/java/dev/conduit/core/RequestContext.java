package dev.conduit.core;

import java.util.Objects;

import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything a handler knows about the request it serves besides the message itself.
 *
 * @param principal     who is calling
 * @param correlationId the id under which every log line of this request is written
 * @param session       the MCP session the request belongs to
 * @param channel       the way back to the client for notifications related to this request
 * @param cancellation  set when the client cancels this request
 */
public record RequestContext(Principal principal, String correlationId, McpSession session, ClientChannel channel,
                             Cancellation cancellation) {
    public RequestContext {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /**
     * Tells the client about this request in a log message ({@code notifications/message} before the response),
     * when it asked for messages of {@code level} with {@code logging/setLevel}.
     */
    public void log(LogLevel level, String logger, String message) {
        if (session.wants(level)) {
            ObjectNode params = Json.object();
            params.put("level", level.wireName());
            params.put("logger", logger);
            params.put("data", message);
            channel.send(new JsonRpcNotification(McpMethods.MESSAGE, params));
        }
    }

    /** A context whose request nobody has cancelled yet. */
    public RequestContext(Principal principal, String correlationId, McpSession session, ClientChannel channel) {
        this(principal, correlationId, session, channel, new Cancellation());
    }
}
