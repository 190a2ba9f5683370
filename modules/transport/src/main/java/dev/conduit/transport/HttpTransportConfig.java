package dev.conduit.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;

/**
 * The {@code transports.http} node: MCP Streamable HTTP on the main socket.
 * <pre>
 * transports:
 *   http:
 *     path: /mcp                      # the MCP endpoint
 *     max-body-bytes: 4194304         # larger POST bodies get 413; 1 KiB to 64 MiB
 *     max-sessions: 1000              # initialize beyond this gets 503; 1 to 100000
 *     session-idle-timeout: 30m       # a session unused this long ends; 1m to 7d
 *     keep-alive-interval: 15s        # comment lines on open SSE streams; 1s to 5m
 *     body-timeout: 20s               # a POST body not complete this long after its headers ends the connection
 *     allowed-hosts: []               # host names accepted in Host/Origin besides loopback and the bound host
 *     allowed-origins: []             # exact origins (scheme://host:port) accepted besides those
 * </pre>
 */
public record HttpTransportConfig(String path,
                                  long maxBodyBytes,
                                  int maxSessions,
                                  Duration sessionIdleTimeout,
                                  Duration keepAliveInterval,
                                  List<String> allowedHosts,
                                  List<String> allowedOrigins,
                                  Duration bodyTimeout) {
    /** Default time for a POST body to arrive once its headers have. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(20);

    /** Default body cap: 4 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;

    public HttpTransportConfig {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.length() < 2) {
            throw new InvalidConfigException("transports.http.path", "must start with / and name a path, like /mcp");
        }
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The defaults. */
    public static HttpTransportConfig defaults() {
        return new HttpTransportConfig("/mcp", DEFAULT_MAX_BODY_BYTES, 1000, Duration.ofMinutes(30),
                                       Duration.ofSeconds(15), List.of(), List.of(), DEFAULT_BODY_TIMEOUT);
    }

    /** Reads the {@code transports.http} node. */
    public static HttpTransportConfig from(ConfigReader http) {
        HttpTransportConfig config = new HttpTransportConfig(
                http.string("path", "/mcp"),
                http.longValue("max-body-bytes", DEFAULT_MAX_BODY_BYTES, 1024, 64L * 1024 * 1024),
                http.integer("max-sessions", 1000, 1, 100_000),
                http.duration("session-idle-timeout", Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofDays(7)),
                http.duration("keep-alive-interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                http.strings("allowed-hosts", List.of()),
                http.strings("allowed-origins", List.of()),
                http.duration("body-timeout", DEFAULT_BODY_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10)));
        http.warnUnknown();
        return config;
    }
}
