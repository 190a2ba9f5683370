package dev.conduit.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

import dev.conduit.core.McpEndpoint;
import dev.conduit.core.Principal;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * MCP over stdin and stdout, for desktop clients that launch their servers ({@code bin/conduit --stdio}). Every
 * request acts as one configured principal, so executions keep that key's allow-list and limits: unlike the original,
 * stdio mode switches no authorization off. Logs never touch stdout.
 */
public final class StdioTransport {
    /** Longest line accepted: 16 MiB. */
    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    private static final int MAX_IN_FLIGHT = 64;

    private final LineChannel channel;

    private StdioTransport(LineChannel channel) {
        this.channel = channel;
    }

    /**
     * A transport writing to {@code out} on behalf of {@code principal}.
     *
     * @param principal who every request acts as
     */
    public static StdioTransport create(McpEndpoint endpoint, Principal principal, OutputStream out) {
        return new StdioTransport(new LineChannel("stdio", "stdio", Objects.requireNonNull(out), endpoint,
                                                  Optional.of(principal), Optional.empty(), MAX_LINE_BYTES,
                                                  MAX_IN_FLIGHT));
    }

    /** Serves {@code in} until it ends (the client went away) and every request read has been answered. */
    public void serve(InputStream in) {
        channel.serve(in);
    }

    /** Sends a server-initiated notification, for example {@code notifications/tools/list_changed}. */
    public void notifyClient(JsonRpcNotification notification) {
        channel.notifyClient(notification);
    }
}
