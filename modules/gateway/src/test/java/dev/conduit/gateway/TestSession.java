package dev.conduit.gateway;

import java.util.List;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;

/** Sessions and request contexts for handler tests. */
final class TestSession {
    private TestSession() {
    }

    /** A fresh in-memory session. */
    static McpSession create() {
        return new LocalSession("s", ProtocolVersion.latest());
    }

    /** A context for a caller allowed {@code patterns}, in {@code session}. */
    static RequestContext context(McpSession session, List<String> patterns) {
        return new RequestContext(new Principal("caller", patterns), "cid", session, ClientChannel.discarding());
    }

    /** A context for a caller allowed {@code patterns}, in a fresh session. */
    static RequestContext context(List<String> patterns) {
        return context(create(), patterns);
    }
}
