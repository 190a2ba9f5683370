package dev.conduit.gateway;

import java.util.List;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.LogLevel;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;

/** A plain in-memory session for handler tests, and request contexts around it. */
final class TestSession implements McpSession {
    private volatile LogLevel level = LogLevel.INFO;
    private volatile boolean initialized;

    /** A context for a caller allowed {@code patterns}, in this session. */
    RequestContext context(List<String> patterns) {
        return new RequestContext(new Principal("caller", patterns), "cid", this, ClientChannel.discarding());
    }

    @Override
    public String id() {
        return "s";
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
