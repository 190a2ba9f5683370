package dev.conduit.core;

import java.util.Objects;
import java.util.Optional;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * The state every session has: a line connection's as it is (stdio, a socket connection, living exactly as long as
 * the connection), a test's, and the base of a transport's own session that adds more (an HTTP session's owner,
 * idle clock and stream).
 */
public class LocalSession implements McpSession {
    private final String id;
    private final String transport;
    private final ProtocolVersion version;
    private volatile LogLevel level = LogLevel.INFO;
    private volatile boolean levelRequested;
    private volatile ObjectNode capabilities = Json.object();
    private volatile boolean initialized;

    /** A session of no particular listener (tests, embedding): its transport is {@code local}. */
    public LocalSession(String id, ProtocolVersion version) {
        this(id, "local", version);
    }

    public LocalSession(String id, String transport, ProtocolVersion version) {
        this.id = Objects.requireNonNull(id);
        this.transport = Objects.requireNonNull(transport);
        this.version = Objects.requireNonNull(version);
    }

    @Override
    public final String transport() {
        return transport;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final ProtocolVersion protocolVersion() {
        return version;
    }

    @Override
    public final LogLevel logLevel() {
        return level;
    }

    @Override
    public final void logLevel(LogLevel value) {
        level = Objects.requireNonNull(value);
        levelRequested = true;
    }

    @Override
    public final Optional<LogLevel> requestedLogLevel() {
        return levelRequested ? Optional.of(level) : Optional.empty();
    }

    @Override
    public final ObjectNode clientCapabilities() {
        return capabilities;
    }

    @Override
    public final void clientCapabilities(ObjectNode value) {
        capabilities = value.deepCopy();
    }

    @Override
    public final boolean initialized() {
        return initialized;
    }

    @Override
    public final void markInitialized() {
        initialized = true;
    }
}
