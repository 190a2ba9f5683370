package dev.conduit.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.io.PipeWriter;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * The connections of one local listener, whatever carries them: the cap on their number, who they act as, serving
 * each on a line channel, and reaching them all for notifications and for the stop.
 */
final class LineConnections {
    private static final System.Logger LOGGER = System.getLogger(LineConnections.class.getName());
    private static final int MAX_IN_FLIGHT_PER_CONNECTION = 64;
    private static final long OUTGOING_QUEUE_BYTES = 32L * 1024 * 1024;

    private final String transport;
    private final SocketTransportConfig config;
    private final McpEndpoint endpoint;
    private final Authenticator authenticator;
    private final Semaphore slots;
    private final Map<AutoCloseable, LineChannel> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Void> draining = new CompletableFuture<>();
    private final boolean nativeIo;

    /**
     * @param nativeIo whether the connections' streams block in native calls (Windows pipes through JNA): those pin a
     *                 virtual thread's carrier, so such connections are read on platform threads and written through a
     *                 {@link PipeWriter}; socket streams release the carrier and are served on virtual threads
     */
    LineConnections(String transport, SocketTransportConfig config, McpEndpoint endpoint, Authenticator authenticator,
                    boolean nativeIo) {
        this.transport = transport;
        this.nativeIo = nativeIo;
        this.config = config;
        this.endpoint = endpoint;
        this.authenticator = authenticator;
        this.slots = new Semaphore(config.maxConnections());
        TransportMetrics.gauge("conduit.connections.open", "Open local connections (Unix socket, named pipe)",
                               open::size, transport);
    }

    /**
     * Serves a new connection on its own thread until it ends, then closes it; closes it at once when the cap is
     * reached.
     */
    void serve(AutoCloseable connection, InputStream in, OutputStream out) {
        if (!slots.tryAcquire()) {
            LOGGER.log(Level.WARNING, "local connection refused: " + config.maxConnections()
                                      + " connections are open (transports.socket.max-connections)");
            closeQuietly(connection);
            return;
        }
        // The name is the session's id: unique across listeners too (a socket's and a pipe's are told apart).
        String name = transport + "-" + ids.incrementAndGet();
        Thread.Builder threads = nativeIo ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
        threads.name("conduit-" + name).start(() -> {
            PipeWriter writer = nativeIo ? PipeWriter.start("conduit-" + name + "-out", out, OUTGOING_QUEUE_BYTES)
                    : null;
            try {
                // With auth off every connection is the anonymous principal; with it on, each proves itself by token.
                LineChannel.Caller callers = authenticator.enabled() ? new LineChannel.Caller.ByToken(authenticator)
                        : new LineChannel.Caller.Fixed(Principal.anonymous());
                LineChannel.LineSink sink = writer == null ? LineChannel.LineSink.locked(out)
                        : LineChannel.LineSink.queued(writer);
                LineChannel channel = new LineChannel(name, transport, sink, endpoint, callers, config.maxLineBytes(),
                                                      MAX_IN_FLIGHT_PER_CONNECTION);
                open.put(connection, channel);
                channel.serve(in);
            } catch (UncheckedIOException e) {
                LOGGER.log(Level.DEBUG, name + ": " + e.getMessage());
            } finally {
                if (writer != null) {
                    writer.close();
                }
                open.remove(connection);
                closeQuietly(connection);
                slots.release();
            }
        });
    }

    void broadcast(JsonRpcNotification notification, Predicate<McpSession> to) {
        open.values().forEach(channel -> channel.notifyClient(notification, to));
    }

    /**
     * Stops reading from every connection, lets the requests already read be answered for up to {@code grace}, then
     * closes whatever is still open.
     *
     * @param stopReading ends the input side of one connection, so its channel sees the end of the stream
     */
    void drain(Duration grace, Consumer<AutoCloseable> stopReading) throws InterruptedException {
        open.keySet().forEach(stopReading);
        draining.complete(null);
        int all = config.maxConnections();
        if (slots.tryAcquire(all, grace.toMillis(), TimeUnit.MILLISECONDS)) {
            slots.release(all);
        }
        closeAll();
    }

    /** Completes when {@link #drain} has stopped reading: for tests that must act while requests are in flight. */
    CompletableFuture<Void> draining() {
        return draining;
    }

    /** Closes every open connection; their threads then finish on their own. */
    void closeAll() {
        open.keySet().forEach(LineConnections::closeQuietly);
    }

    static void closeQuietly(AutoCloseable connection) {
        try {
            connection.close();
        } catch (Exception e) {
            LOGGER.log(Level.DEBUG, "closing a local connection: " + e.getMessage());
        }
    }
}
