package dev.conduit.core;

import java.util.Optional;

import tools.jackson.databind.node.ObjectNode;

/**
 * The state an MCP client and this server share between requests: the negotiated version and the log level the
 * client asked for. A transport owns the sessions; handlers read and update them through this view. Thread-safe.
 */
public interface McpSession {

    /** The session id given to the client, or an empty string for a session not yet established. */
    String id();

    /**
     * The listener the session came through: {@code http}, {@code stdio}, {@code socket} or {@code pipe} (a bounded
     * label for metrics and logs).
     */
    String transport();

    /** The negotiated protocol version. */
    ProtocolVersion protocolVersion();

    /** The minimum level of log notifications the client wants ({@link LogLevel#INFO} until it says otherwise). */
    LogLevel logLevel();

    /** Sets the minimum level of log notifications the client wants. */
    void logLevel(LogLevel level);

    /** The level the client asked for with {@code logging/setLevel}; empty until it did. */
    Optional<LogLevel> requestedLogLevel();

    /**
     * Whether log messages of {@code level} go to this client: only once it asked for logs with
     * {@code logging/setLevel}, and then of that level or a more severe one.
     */
    default boolean wants(LogLevel level) {
        return requestedLogLevel().map(minimum -> level.compareTo(minimum) >= 0).orElse(false);
    }

    /** What the client declared in {@code initialize} ({@code sampling}, {@code elicitation}, ...); empty before. */
    ObjectNode clientCapabilities();

    /** Records what the client declared in {@code initialize}. */
    void clientCapabilities(ObjectNode capabilities);

    /** Whether the client has sent {@code notifications/initialized}. */
    boolean initialized();

    /** Records that the client has sent {@code notifications/initialized}. */
    void markInitialized();
}
