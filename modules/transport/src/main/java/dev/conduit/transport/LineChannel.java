package dev.conduit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import dev.conduit.auth.AuthResult;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.io.BoundedLineReader;
import dev.conduit.core.io.PipeWriter;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.OversizedMessage;
import dev.conduit.core.tool.ToolResults;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Newline-delimited JSON-RPC over one byte stream pair (stdin/stdout, a socket connection). Requests are handled
 * concurrently and answered as each finishes; notifications get no reply at all; at most {@code maxInFlight}
 * requests run at once, so a client that does not read its answers stops being read from (backpressure) instead of
 * growing memory. A request over the size cap is refused alone (-32600); a run of unparsable lines, or an oversized
 * line that is no request or notification, ends the connection with a logged reason.
 * Whoever calls is either fixed (stdio's configured principal) or authenticated by the original's
 * {@code auth.bearerToken} field, once per connection or per request.
 */
final class LineChannel {
    private static final System.Logger LOGGER = System.getLogger(LineChannel.class.getName());
    private static final int MAX_GARBAGE_IN_A_ROW = 10;
    /** How often a client that stopped sending is checked for still reading while its answers are due. */
    private static final long CLIENT_CHECK_MILLIS = 500;

    private final String name;
    private final String transport;
    private final McpEndpoint endpoint;
    private final Caller callers;
    private final AtomicReference<Principal> principal = new AtomicReference<>();
    private final McpSession session;
    private final int maxLineBytes;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final LineSink out;
    private final MessageCap cap;
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();

    /** Who a channel's messages come from. */
    sealed interface Caller {
        /** Every message is this principal's: stdio's configured key, or a local socket with authentication off. */
        record Fixed(Principal principal) implements Caller {
        }

        /** A connection proves itself with an API key in {@code auth.bearerToken}, once or with every message. */
        record ByToken(Authenticator authenticator) implements Caller {
        }
    }

    /** Where a channel's outgoing lines go; {@link #writeLine} may block for backpressure, never for long on a pin. */
    @FunctionalInterface
    interface LineSink {
        /** Writes one message and its newline. */
        void writeLine(byte[] line) throws IOException;

        /**
         * Whether the client can still read: asked only once it stopped sending while answers are still due, since an
         * end of input is either a client that is gone or one that half-closed and still reads. Sinks that cannot
         * tell say yes.
         */
        default boolean clientReads() {
            return true;
        }

        /** A sink for a socket's stream (socket writes release a virtual thread's carrier while they wait). */
        static LineSink locked(OutputStream out) {
            ReentrantLock lock = new ReentrantLock();
            return new LineSink() {
                @Override
                public void writeLine(byte[] line) throws IOException {
                    lock.lock();
                    try {
                        out.write(line);
                        out.write('\n');
                        out.flush();
                    } finally {
                        lock.unlock();
                    }
                }

                /*
                 * One space, which JSON allows before a value, so it merely leads the next message's line: writing to
                 * a Unix socket whose peer has closed fails at once, while a half-closed peer takes it.
                 */
                @Override
                public boolean clientReads() {
                    lock.lock();
                    try {
                        out.write(' ');
                        out.flush();
                        return true;
                    } catch (IOException | UncheckedIOException e) {
                        return false;
                    } finally {
                        lock.unlock();
                    }
                }
            };
        }

        /**
         * A sink that hands lines to {@code writer}'s platform thread, waiting while its queue is full: for pipes,
         * whose writes would pin a virtual thread's carrier for as long as the reader does not read.
         */
        static LineSink queued(PipeWriter writer) {
            return line -> {
                try {
                    writer.awaitLine(line);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while waiting to write");
                }
            };
        }
    }

    /**
     * @param callers who the messages come from
     */
    LineChannel(String name, String transport, LineSink out, McpEndpoint endpoint, Caller callers, int maxLineBytes,
                int maxInFlight) {
        this(name, transport, out, MessageCap.NONE, endpoint, callers, maxLineBytes, maxInFlight);
    }

    /**
     * @param cap     the largest message written: an answer over it is replaced by one saying so, a notification over
     *                it is left out (logged)
     * @param callers who the messages come from
     */
    LineChannel(String name, String transport, LineSink out, MessageCap cap, McpEndpoint endpoint, Caller callers,
                int maxLineBytes, int maxInFlight) {
        this.name = name;
        this.out = out;
        this.cap = cap;
        this.endpoint = endpoint;
        this.callers = callers;
        // The session lives exactly as long as the connection.
        this.session = new LocalSession(name, transport, ProtocolVersion.latest());
        this.transport = transport;
        this.maxLineBytes = maxLineBytes;
        this.inFlight = new Semaphore(maxInFlight);
        this.maxInFlight = maxInFlight;
    }

    /**
     * Reads and serves lines until the stream ends or the connection is given up; waits for requests in flight, then
     * tells the endpoint the connection's session has ended.
     */
    void serve(InputStream in) {
        BoundedLineReader reader = new BoundedLineReader(in, maxLineBytes);
        int garbage = 0;
        try {
            Optional<byte[]> line;
            while ((line = reader.readLine(this::passedOver)).isPresent()) {
                if (line.get().length == 0) {
                    continue;
                }
                garbage = accept(line.get()) ? 0 : garbage + 1;
                if (garbage >= MAX_GARBAGE_IN_A_ROW) {
                    LOGGER.log(Level.WARNING, name + ": " + garbage + " unparsable lines in a row; closing");
                    return;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOGGER.log(Level.DEBUG, name + ": connection failed: " + e.getMessage());
        } finally {
            awaitAnswers();
            endpoint.sessionEnded(session);
        }
    }

    /**
     * A line over max-line-bytes, read past without being kept. From a client that has proved who it is, a request is
     * answered with -32600 and a notification dropped, and the connection goes on; anything else (a connection that
     * has not authenticated, a line whose first and last bytes tell neither, one over
     * {@value BoundedLineReader#READ_PAST_AT_MOST} bytes) is answered with id null and ends the connection.
     *
     * @return whether the connection goes on
     */
    private boolean passedOver(BoundedLineReader reader, BoundedLineReader.LineTooLongException tooLong)
            throws IOException {
        String limit = "over the largest message this connection reads (" + maxLineBytes + " bytes)";
        if (callers instanceof Caller.ByToken && principal.get() == null) {
            LOGGER.log(Level.WARNING, name + ": a line longer than " + maxLineBytes + " bytes before any "
                                      + "authentication; closing");
            write(JsonRpcResponse.failure(JsonRpcId.NULL, JsonRpcError.invalidRequest(
                    "Invalid request: a message " + limit + " before the connection authenticated; closing")));
            return false;
        }
        BoundedLineReader.Skipped rest = reader.skipRest(BoundedLineReader.READ_PAST_AT_MOST);
        OversizedMessage message = rest.ended() ? OversizedMessage.of(tooLong.head(), rest.tail())
                : new OversizedMessage.Unknown();
        String size = "a message of " + rest.lineBytes() + " bytes, " + limit;
        switch (message) {
            case OversizedMessage.Request(JsonRpcId id, String method) -> {
                LOGGER.log(Level.WARNING, name + ": " + method + " was " + size + "; refused");
                write(JsonRpcResponse.failure(id, JsonRpcError.invalidRequest(
                        "Invalid request: " + size + "; it was not read")));
                return true;
            }
            case OversizedMessage.Notification(String method) -> {
                LOGGER.log(Level.WARNING, name + ": " + method + " was " + size + "; dropped");
                return true;
            }
            default -> {
                LOGGER.log(Level.WARNING, name + ": " + size + " that is no request or notification; closing");
                write(JsonRpcResponse.failure(JsonRpcId.NULL, JsonRpcError.invalidRequest(
                        "Invalid request: " + size + "; closing")));
                return false;
            }
        }
    }

    /**
     * Requests already read are answered before the connection is given up, as long as the client still reads: a client
     * that is gone has its requests cancelled, so their programs stop and free their slots.
     */
    private void awaitAnswers() {
        boolean gone = false;
        while (true) {
            try {
                if (inFlight.tryAcquire(maxInFlight, CLIENT_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                gone = true;
            }
            if (!gone && !out.clientReads()) {
                gone = true;
                TransportMetrics.clientGone(transport);
                LOGGER.log(Level.INFO, name + ": client gone while " + running.size() + " of its requests ran; "
                                         + "cancelling them");
            }
            if (gone) {
                running.forEach(cancellation -> cancellation.cancel("the client went away"));
                inFlight.acquireUninterruptibly(maxInFlight);
                break;
            }
        }
        inFlight.release(maxInFlight);
    }

    /** Handles one line; false when it was not JSON-RPC at all. */
    private boolean accept(byte[] line) throws IOException {
        JsonNode node;
        try {
            node = Json.mapper().readTree(line);
        } catch (JacksonException e) {
            write(JsonRpcResponse.failure(JsonRpcId.NULL, JsonRpcError.parseError("Parse error: the line is not "
                                                                                  + "valid JSON")));
            return false;
        }
        if (node != null && node.isArray()) {
            write(JsonRpcResponse.failure(JsonRpcId.NULL, JsonRpcError.invalidRequest(
                    "Invalid request: batches are not accepted here; send one message per line")));
            return false;
        }
        Optional<String> token = node == null ? Optional.empty()
                : Optional.ofNullable(node.path("auth").path("bearerToken").stringValue(null));
        switch (JsonRpcCodec.decodeMessage(node)) {
            case JsonRpcCodec.Decoded.Single single -> {
                dispatch(single.message(), token);
                return true;
            }
            case JsonRpcCodec.Decoded.Malformed malformed -> {
                write(malformed.response());
                return false;
            }
            case JsonRpcCodec.Decoded.Batch batch -> {
                write(JsonRpcResponse.failure(JsonRpcId.NULL, JsonRpcError.invalidRequest("Invalid request")));
                return false;
            }
        }
    }

    private void dispatch(JsonRpcMessage message, Optional<String> token) throws IOException {
        Optional<Principal> caller = caller(token);
        if (caller.isEmpty()) {
            TransportMetrics.authFailure(transport);
            if (message instanceof JsonRpcRequest request) {
                write(JsonRpcResponse.failure(request.id(), Outcome.UNAUTHENTICATED.error(
                        "Authentication required: send auth.bearerToken with an API key")));
            }
            return;
        }
        if (!(message instanceof JsonRpcRequest)) {
            endpoint.handle(message, context(caller.get(), ClientChannel.discarding()));
            return;
        }
        inFlight.acquireUninterruptibly();
        RequestContext context = context(caller.get(), this::send);
        running.add(context.cancellation());
        Thread.ofVirtual().name(name + "-request").start(() -> {
            try {
                endpoint.handle(message, context).ifPresent(response -> answer((JsonRpcRequest) message, response));
            } finally {
                running.remove(context.cancellation());
                inFlight.release();
            }
        });
    }

    /** The caller of a message: the fixed principal, the one its token names, or the connection's. */
    private Optional<Principal> caller(Optional<String> token) {
        if (callers instanceof Caller.Fixed fixed) {
            return Optional.of(fixed.principal());
        }
        if (token.isPresent() && callers instanceof Caller.ByToken byToken) {
            if (byToken.authenticator().authenticateToken(token.get())
                    instanceof AuthResult.Authenticated authenticated) {
                principal.compareAndSet(null, authenticated.principal());
                return Optional.of(authenticated.principal());
            }
            return Optional.empty();
        }
        return Optional.ofNullable(principal.get());
    }

    private RequestContext context(Principal caller, ClientChannel channel) {
        String cid = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return new RequestContext(caller, cid, session, channel);
    }

    private void send(JsonRpcMessage message) {
        try {
            write(message);
        } catch (IOException | UncheckedIOException e) {
            LOGGER.log(Level.DEBUG, name + ": could not write: " + e.getMessage());
        }
    }

    /**
     * The answer to {@code request}; one over the cap is replaced by a smaller one that says so: a tool error for a
     * tool call (the model reads it and can ask for less), a -32000 error for anything else.
     */
    private void answer(JsonRpcRequest request, JsonRpcMessage response) {
        byte[] line = JsonRpcCodec.encode(response);
        if (cap.exceededBy(line.length)) {
            String why = cap.explain(request.method(), line.length);
            LOGGER.log(Level.WARNING, name + ": " + why);
            line = JsonRpcCodec.encode(request.method().equals(McpMethods.TOOLS_CALL)
                    ? JsonRpcResponse.success(request.id(), ToolResults.error(why))
                    : JsonRpcResponse.failure(request.id(), Outcome.BAD_REQUEST.error(why)));
        }
        try {
            out.writeLine(line);
        } catch (IOException | UncheckedIOException e) {
            LOGGER.log(Level.DEBUG, name + ": could not write: " + e.getMessage());
        }
    }

    /** One message, one line. Notifications and responses alike; never a bare {@code null}. */
    private void write(JsonRpcMessage message) throws IOException {
        byte[] line = JsonRpcCodec.encode(message);
        if (cap.exceededBy(line.length)) {
            LOGGER.log(Level.WARNING, name + ": left out a message of " + line.length + " bytes, over the " + cap.bytes()
                                      + " bytes a message to this client may carry (" + cap.setting() + ")");
            return;
        }
        out.writeLine(line);
    }

    /** Notifications sent to this connection outside any request (for example tools/list_changed), if {@code to} picks it. */
    void notifyClient(JsonRpcNotification notification, Predicate<McpSession> to) {
        if (to.test(session)) {
            send(notification);
        }
    }
}
