package dev.conduit.core;

import java.util.Objects;

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

    /** A context whose request nobody has cancelled yet. */
    public RequestContext(Principal principal, String correlationId, McpSession session, ClientChannel channel) {
        this(principal, correlationId, session, channel, new Cancellation());
    }
}
