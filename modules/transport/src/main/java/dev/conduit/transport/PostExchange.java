package dev.conduit.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * The response to one POSTed request. It starts as plain JSON; the first notification sent before the result (or a
 * progress token on the request) turns it into an SSE stream that carries the notifications and then the result.
 * A client that went away mid-stream makes later writes no-ops. While a request runs long, {@link #heartbeat} keeps
 * proving the client is there; the transport cancels the request when it is not (an execution's result could never
 * be delivered: this server keeps no stream to resume).
 */
final class PostExchange implements ClientChannel {
    private final ReentrantLock lock = new ReentrantLock();
    private final ServerResponse response;
    private final boolean streamingAllowed;
    private OutputStream stream;
    private boolean done;
    private boolean broken;

    PostExchange(ServerResponse response, boolean streamingAllowed) {
        this.response = response;
        this.streamingAllowed = streamingAllowed;
    }

    /** Switches to SSE now, for requests that asked for progress. */
    void startStreaming() {
        lock.lock();
        try {
            if (streamingAllowed && stream == null && !done) {
                open();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean carriesRequests() {
        lock.lock();
        try {
            return streamingAllowed && !done && !broken;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(JsonRpcMessage notification) {
        lock.lock();
        try {
            if (done || broken || !streamingAllowed) {
                return;
            }
            if (stream == null) {
                open();
            }
            SseFormat.writeMessage(stream, notification);
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed connection as its own ServerConnectionException, an unchecked one.
            broken = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Proves the client is still there while a long request runs: switches the answer to SSE (clients accept both)
     * and writes a comment line. A client that has gone away makes the write fail (the first write after a close may
     * still be taken by the kernel; the next one fails).
     *
     * @return false once the client is known to be gone
     */
    boolean heartbeat() {
        lock.lock();
        try {
            if (done || broken) {
                return !broken;
            }
            if (stream == null) {
                open();
            }
            SseFormat.writeKeepAlive(stream);
            return true;
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed connection as its own ServerConnectionException, an unchecked one.
            broken = true;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Writes the result: as the body, or as the last event of the stream which is then closed. */
    void complete(JsonRpcResponse result) {
        complete(result, Status.OK_200);
    }

    /** The same, with {@code status} for a body that is not a rate-limit error. */
    void complete(JsonRpcResponse result, Status status) {
        lock.lock();
        try {
            done = true;
            if (stream == null) {
                OptionalLong retryAfter = rateLimited(result);
                if (retryAfter.isPresent()) {
                    // HTTP's own words for a rate limit, beside the JSON-RPC error the body carries.
                    response.status(Status.create(Outcome.RATE_LIMITED.httpStatus()));
                    response.header(HeaderNames.RETRY_AFTER,
                                    Long.toString(Math.max(1, (retryAfter.getAsLong() + 999) / 1000)));
                } else {
                    response.status(status);
                }
                response.header(HeaderValues.CONTENT_TYPE_JSON);
                response.send(JsonRpcCodec.encode(result));
                return;
            }
            if (!broken) {
                SseFormat.writeMessage(stream, result);
            }
            stream.close();
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed connection as its own ServerConnectionException, an unchecked one.
            broken = true;
        } finally {
            lock.unlock();
        }
    }

    /** The retry delay of a rate-limit error, in milliseconds. */
    private static OptionalLong rateLimited(JsonRpcResponse result) {
        if (result instanceof JsonRpcResponse.Failure failure && Outcome.ofCode(failure.error().code()) == Outcome.RATE_LIMITED) {
            return OptionalLong.of(failure.error().data().map(data -> data.path("retryAfterMs").asLong(1000))
                                           .orElse(1000L));
        }
        return OptionalLong.empty();
    }

    private void open() {
        response.status(Status.OK_200);
        response.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        stream = response.outputStream();
    }
}
