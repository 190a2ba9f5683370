package dev.conduit.transport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

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
    private static final ScheduledExecutorService LATER = Timers.daemon("conduit-header-deadline");

    private final Duration timeout;
    // Most deadlines are disarmed long before they are due: swept, not scheduled one by one.
    private final Deadlines deadlines;
    private final Map<ConnectionContext, Deadlines.Deadline> waiting = new ConcurrentHashMap<>();

    private HeaderDeadline(Duration timeout) {
        this.timeout = timeout;
        this.deadlines = new Deadlines(LATER, Deadlines.tickFor(timeout));
    }

    /** A listener for one listener's HTTP/1 connections: headers must be complete {@code timeout} after the request line. */
    public static HeaderDeadline of(Duration timeout) {
        return new HeaderDeadline(timeout);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Thread connection = Thread.currentThread();
        Deadlines.Deadline deadline = deadlines.after(timeout, fired -> {
            waiting.remove(ctx, fired);
            TransportMetrics.clientGone("http");
            LOGGER.log(Level.INFO, "client gone: its request headers did not arrive within " + timeout.toMillis()
                                   + " ms of the request line (server.header-timeout); closing the connection");
            connection.interrupt();
        });
        Deadlines.Deadline previous = waiting.put(ctx, deadline);
        if (previous != null) {
            previous.cancel();
        }
        if (deadline.fired()) {
            waiting.remove(ctx, deadline); // it fired before it was in the map, so its own removal missed it
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        Deadlines.Deadline deadline = waiting.remove(ctx);
        if (deadline != null) {
            deadline.cancel();
        }
    }
}
