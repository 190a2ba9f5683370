package dev.conduit.core;

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

    /** Whether the client has sent {@code notifications/initialized}. */
    boolean initialized();

    /** Records that the client has sent {@code notifications/initialized}. */
    void markInitialized();
}
