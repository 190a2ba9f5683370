package dev.conduit.transport;

import dev.conduit.core.LogLevel;
import dev.conduit.core.McpSession;
import dev.conduit.core.ProtocolVersion;

/** The MCP session of one line connection (stdio, a socket connection): it lives as long as the connection. */
final class LineSession implements McpSession {
    private final String id;
    private volatile LogLevel level = LogLevel.INFO;
    private volatile boolean initialized;

    LineSession(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ProtocolVersion protocolVersion() {
        return ProtocolVersion.latest();
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
