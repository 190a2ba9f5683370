package dev.conduit.transport;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.conduit.core.LocalSession;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/** One Streamable HTTP session: owned by the principal that initialized it, alive until deleted or idle too long. */
final class HttpSession extends LocalSession {
    private final Principal owner;
    private final AtomicReference<SseStream> standaloneStream = new AtomicReference<>();
    private volatile long lastUsedNanos;

    HttpSession(String id, Principal owner, ProtocolVersion version, long nowNanos) {
        super(id, "http", version);
        this.owner = owner;
        this.lastUsedNanos = nowNanos;
    }

    Principal owner() {
        return owner;
    }

    void touch(long nowNanos) {
        lastUsedNanos = nowNanos;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** Attaches the one GET stream of this session; false if one is already open. */
    boolean attach(SseStream stream) {
        return standaloneStream.compareAndSet(null, stream);
    }

    void detach(SseStream stream) {
        standaloneStream.compareAndSet(stream, null);
    }

    /** Queues a server-initiated message on the GET stream; dropped when the client has none open. */
    boolean sendUnsolicited(JsonRpcNotification notification) {
        SseStream stream = standaloneStream.get();
        return stream != null && stream.offer(notification);
    }

    /** Ends the session's GET stream, if open. */
    void close() {
        Optional.ofNullable(standaloneStream.getAndSet(null)).ifPresent(SseStream::close);
    }

    /** A session-less placeholder used while {@code initialize} is being served. */
    static McpSession provisional(ProtocolVersion version) {
        return new HttpSession("", Principal.anonymous(), version, 0);
    }
}
