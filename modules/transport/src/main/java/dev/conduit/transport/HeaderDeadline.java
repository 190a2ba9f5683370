package dev.conduit.transport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

import dev.conduit.core.Timers;

/**
 * Ends a connection whose request headers do not all arrive within a deadline of its request line. Helidon 4.5.0
 * bounds a silent client (the socket read timeout) and a slow request line (the idle-connection check interrupts a
 * connection still reading one), but not a client that trickles its headers a byte at a time, each within the read
 * timeout: such a client holds its connection for as long as it likes. Helidon reads the request line and headers on
 * the connection's own thread and tells this listener when each is done, so the deadline interrupts that thread, which
 * closes the socket under the blocked read; the connection then ends as any failed read ends it.
 */
public final class HeaderDeadline implements Http1ConnectionListener {
    private static final System.Logger LOGGER = System.getLogger(HeaderDeadline.class.getName());
    // Most deadlines are disarmed long before they are due.
    private static final ScheduledExecutorService LATER = Timers.daemon("conduit-header-deadline");

    private final long timeoutNanos;
    private final Map<ConnectionContext, Armed> waiting = new ConcurrentHashMap<>();

    private HeaderDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** A listener for one listener's HTTP/1 connections: headers must be complete {@code timeout} after the request line. */
    public static HeaderDeadline of(Duration timeout) {
        return new HeaderDeadline(timeout);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Thread connection = Thread.currentThread();
        Armed armed = new Armed();
        Armed previous = waiting.put(ctx, armed);
        if (previous != null) {
            previous.disarm();
        }
        armed.timer = LATER.schedule(() -> {
            waiting.remove(ctx, armed);
            if (armed.fire()) {
                TransportMetrics.clientGone("http");
                LOGGER.log(Level.INFO, "client gone: its request headers did not arrive within "
                                       + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                                       + " ms of the request line (server.header-timeout); closing the connection");
                connection.interrupt();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        Armed armed = waiting.remove(ctx);
        if (armed != null) {
            armed.disarm();
        }
    }

    /** One request's deadline: it either fires or is disarmed, never both. */
    private static final class Armed {
        private final AtomicBoolean pending = new AtomicBoolean(true);
        private volatile ScheduledFuture<?> timer;

        boolean fire() {
            return pending.compareAndSet(true, false);
        }

        void disarm() {
            if (pending.compareAndSet(true, false)) {
                ScheduledFuture<?> scheduled = timer;
                if (scheduled != null) {
                    scheduled.cancel(false);
                }
            }
        }
    }
}
