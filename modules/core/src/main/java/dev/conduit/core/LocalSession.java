package dev.conduit.core;

import java.util.Objects;

/**
 * A session that needs nothing beyond what {@link McpSession} says: a line connection's (stdio, a socket connection),
 * which lives exactly as long as the connection, or a test's.
 */
public final class LocalSession implements McpSession {
    private final String id;
    private final ProtocolVersion version;
    private volatile LogLevel level = LogLevel.INFO;
    private volatile boolean initialized;

    public LocalSession(String id, ProtocolVersion version) {
        this.id = Objects.requireNonNull(id);
        this.version = Objects.requireNonNull(version);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ProtocolVersion protocolVersion() {
        return version;
    }

    @Override
    public LogLevel logLevel() {
        return level;
    }

    @Override
    public void logLevel(LogLevel value) {
        level = value;
    }

    @Override
    public boolean initialized() {
        return initialized;
    }

    @Override
    public void markInitialized() {
        initialized = true;
    }
}
