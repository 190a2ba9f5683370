package dev.conduit.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.io.PipeWriter;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * MCP over stdin and stdout, for desktop clients that launch their servers ({@code bin/conduit --stdio}). Every
 * request acts as one configured principal, so executions keep that key's allow-list and limits: unlike the original,
 * stdio mode switches no authorization off. Logs never touch stdout.
 */
public final class StdioTransport {
    /** Longest line accepted: 16 MiB. */
    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    /**
     * The default of the largest message written: 10 MB, under the 10 MiB past which the official TypeScript SDK's
     * stdio client (v1) closes the connection (it counts what waits to be read, so the next message's first bytes
     * may be in its buffer too).
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 10_000_000;
    private static final int MAX_IN_FLIGHT = 64;

    /** Answers waiting for the client to read them; past this, requests wait (backpressure), nothing is dropped. */
    private static final long OUTGOING_QUEUE_BYTES = 64L * 1024 * 1024;
    private static final Duration FLUSH_AT_END = Duration.ofSeconds(5);

    private final LineChannel channel;
    private final PipeWriter stdout;

    private StdioTransport(LineChannel channel, PipeWriter stdout) {
        this.channel = channel;
        this.stdout = stdout;
    }

    /**
     * A transport writing to {@code out} on behalf of {@code principal}.
     *
     * @param principal       who every request acts as
     * @param maxMessageBytes the largest message written ({@code transports.stdio.max-message-bytes}); a larger answer
     *                        is replaced by one that says so
     */
    public static StdioTransport create(McpEndpoint endpoint, Principal principal, OutputStream out,
                                        int maxMessageBytes) {
        // stdout is a pipe: written from one platform thread, never from a request's virtual thread (see PipeThreads).
        PipeWriter stdout = PipeWriter.start("conduit-stdout", Objects.requireNonNull(out), OUTGOING_QUEUE_BYTES);
        MessageCap cap = new MessageCap(maxMessageBytes, "transports.stdio.max-message-bytes");
        return new StdioTransport(new LineChannel("stdio", "stdio", LineChannel.LineSink.queued(stdout), cap, endpoint,
                                                  new LineChannel.Caller.Fixed(principal), MAX_LINE_BYTES,
                                                  MAX_IN_FLIGHT), stdout);
    }

    /**
     * Serves {@code in} until it ends (the client went away) and every request read has been answered and written.
     * Call it from a platform thread: reading stdin blocks in a pipe read.
     */
    public void serve(InputStream in) {
        channel.serve(in);
        try {
            stdout.close(FLUSH_AT_END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends a server-initiated notification, for example {@code notifications/tools/list_changed}, if {@code to}
     * picks the session.
     */
    public void notifyClient(JsonRpcNotification notification, Predicate<McpSession> to) {
        channel.notifyClient(notification, to);
    }
}
