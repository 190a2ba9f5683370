package dev.conduit.core;

import java.util.List;
import java.util.Optional;

import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.Outcome;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP protocol revisions this server speaks, newest first, and how a client's requested version is answered.
 * 2026-07-28 is the first <em>modern</em> revision: stateless, every request carrying its version in {@code _meta}
 * ({@link McpMeta}); the others are <em>legacy</em>, negotiated once by {@code initialize}.
 */
public enum ProtocolVersion {
    /** The stateless revision: no initialize, no sessions, results with {@code resultType}. */
    V2026_07_28("2026-07-28"),
    /** The newest legacy revision. */
    V2025_11_25("2025-11-25"),
    /** Structured content, elicitation, no batches. */
    V2025_06_18("2025-06-18"),
    /** The first Streamable HTTP revision; allows JSON-RPC batches. */
    V2025_03_26("2025-03-26");

    private final String wire;

    ProtocolVersion(String wire) {
        this.wire = wire;
    }

    /** The version string on the wire. */
    public String wire() {
        return wire;
    }

    /** The newest legacy version: what {@code initialize} negotiates at best, and what this gateway asks upstreams for. */
    public static ProtocolVersion latest() {
        return V2025_11_25;
    }

    /** Whether this is a modern (stateless, per-request) revision. */
    public boolean modern() {
        return this == V2026_07_28;
    }

    /** The version named {@code wire}, if this server speaks it. */
    public static Optional<ProtocolVersion> fromWire(String wire) {
        for (ProtocolVersion version : values()) {
            if (version.wire.equals(wire)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    /**
     * The version to answer an {@code initialize} that asked for {@code requested}: the same legacy one, or the latest
     * legacy one (a modern revision has no initialize).
     */
    public static ProtocolVersion negotiate(String requested) {
        return fromWire(requested).filter(version -> !version.modern()).orElse(latest());
    }

    /**
     * The error for a request naming {@code requested}, a version this server does not speak (-32022, with the
     * supported versions newest first, so that a client can retry with one).
     */
    public static JsonRpcError unsupported(String requested) {
        ObjectNode data = Json.object();
        ArrayNode supported = data.putArray("supported");
        supportedWireNames().forEach(supported::add);
        data.put("requested", requested);
        return Outcome.UNSUPPORTED_PROTOCOL_VERSION.error("Unsupported protocol version: " + requested
                + " (supported: " + String.join(", ", supportedWireNames()) + ")").withData(data);
    }

    /** Whether JSON-RPC batches are allowed in this version (only 2025-03-26). */
    public boolean allowsBatches() {
        return this == V2025_03_26;
    }

    /** The wire names of all supported versions, newest first. */
    public static List<String> supportedWireNames() {
        return java.util.Arrays.stream(values()).map(ProtocolVersion::wire).toList();
    }
}
