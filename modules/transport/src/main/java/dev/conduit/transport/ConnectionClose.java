package dev.conduit.transport;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;

/**
 * Honors {@code Connection: close}: Helidon 4.5.0 answers such a request with {@code Connection: close} and then keeps
 * the connection open waiting for another request (Helidon issue 12324, fixed in 4.5.4, which the registry this
 * project builds from does not serve). Shortly after the response, the connection's own thread is interrupted: by
 * then it waits in the socket read of a next request, which fails, and Helidon closes the connection. (Interrupting
 * it at once would break Helidon's own wait for the response to finish, which it logs as a server error.) Remove this
 * filter with the Helidon upgrade.
 */
public final class ConnectionClose {
    /** Long enough for the connection to finish the response and go back to reading. */
    private static final long DELAY_MILLIS = 50;
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("conduit-connection-close").daemon(true).factory());

    private ConnectionClose() {
    }

    /** The filter, for every listener. */
    public static Filter filter() {
        return (chain, req, res) -> {
            chain.proceed();
            boolean close = req.headers().first(HeaderNames.CONNECTION)
                    .map(value -> value.toLowerCase(Locale.ROOT).contains("close")).orElse(false);
            if (close && res.isSent()) {
                Thread connection = Thread.currentThread();
                LATER.schedule(connection::interrupt, DELAY_MILLIS, TimeUnit.MILLISECONDS);
            }
        };
    }
}
