package dev.conduit.core;

import java.util.List;
import java.util.Optional;

/**
 * The MCP protocol revisions this server speaks, newest first, and how a client's requested version is answered.
 */
public enum ProtocolVersion {
    /** The current revision. */
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

    /** The newest version this server speaks. */
    public static ProtocolVersion latest() {
        return V2025_11_25;
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

    /** The version to answer an {@code initialize} that asked for {@code requested}: the same one, or the latest. */
    public static ProtocolVersion negotiate(String requested) {
        return fromWire(requested).orElse(latest());
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
