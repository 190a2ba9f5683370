package dev.conduit.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.log.Redactor;

/**
 * What Conduit itself reads from the {@code server} node (Helidon reads the rest):
 * <pre>
 * server:
 *   host: 127.0.0.1        # main socket (MCP); default loopback
 *   port: 8080             # 0 picks a free port
 *   shutdown-grace: 10s    # how long SIGTERM waits for in-flight requests; 0s to 10m
 *   max-tcp-connections: 1000      # open connections on the MCP socket; more wait in the accept backlog
 *   idle-connection-timeout: 60s   # a connection with no traffic this long is closed (SSE streams send comments)
 *   header-timeout: 10s    # request headers must all arrive this long after the request line (Conduit's key)
 *   connection-options:
 *     read-timeout: 20s    # a client that stops sending mid-request (headers or body) is cut off after this
 *   sockets:
 *     - name: ops          # health and metrics
 *       host: 127.0.0.1
 *       port: 9090
 *       token: ${CONDUIT_OPS_TOKEN}   # optional: every ops request must then send Authorization: Bearer &lt;token&gt;
 *       max-tcp-connections: 64
 * </pre>
 * The connection keys are Helidon's own; Conduit gives them bounded defaults (Helidon's are unbounded connections,
 * 5 minutes idle and 30 s reads) and applies them to both listeners.
 */
record ServerSettings(String host, int port, String opsHost, int opsPort, Duration shutdownGrace,
                      Optional<String> opsToken, Connections connections) {
    /**
     * How the listeners bound their connections.
     *
     * @param maxConnections    open connections on the MCP socket
     * @param maxOpsConnections open connections on the ops socket
     * @param idleTimeout       a connection without traffic this long is closed
     * @param readTimeout       a read of a request (headers or body) that waits this long fails and ends the connection
     * @param headerTimeout     a request whose headers are not complete this long after its request line ends the
     *                          connection
     */
    record Connections(int maxConnections, int maxOpsConnections, Duration idleTimeout, Duration readTimeout,
                       Duration headerTimeout) {
    }

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final int MIN_TOKEN_LENGTH = 16;

    static ServerSettings from(ConfigReader server, Map<String, String> environment) {
        String host = server.string("host", "127.0.0.1");
        int port = server.integer("port", 8080, 0, 65535);
        Duration grace = server.duration("shutdown-grace", Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10));
        String opsHost = "127.0.0.1";
        int opsPort = 9090;
        boolean found = false;
        Optional<String> opsToken = Optional.empty();
        int maxOpsConnections = 64;
        List<ConfigReader> sockets = server.list("sockets");
        for (ConfigReader socket : sockets) {
            if ("ops".equals(socket.string("name", ""))) {
                opsHost = socket.string("host", opsHost);
                opsPort = socket.integer("port", opsPort, 0, 65535);
                maxOpsConnections = socket.integer("max-tcp-connections", maxOpsConnections, 1, 100_000);
                Optional<String> raw = socket.string("token");
                if (raw.isPresent()) {
                    opsToken = Optional.of(token(socket.key("token"), raw.get(), environment));
                }
                found = true;
            }
        }
        if (!found && server.has("sockets")) {
            throw new InvalidConfigException(server.key("sockets"), "must contain the socket named ops "
                                                                    + "(health and metrics live there)");
        }
        if (port != 0 && port == opsPort && host.equals(opsHost)) {
            throw new InvalidConfigException(server.key("port"), "the MCP socket and the ops socket cannot share "
                                                                 + host + ":" + port);
        }
        Connections connections = new Connections(
                server.integer("max-tcp-connections", 1000, 1, 1_000_000), maxOpsConnections,
                helidonDuration(server, "idle-connection-timeout", Duration.ofSeconds(60), Duration.ofSeconds(1),
                                Duration.ofHours(24)),
                helidonDuration(server.child("connection-options"), "read-timeout", Duration.ofSeconds(20),
                                Duration.ofMillis(100), Duration.ofHours(1)),
                server.duration("header-timeout", Duration.ofSeconds(10), Duration.ofMillis(100),
                                Duration.ofMinutes(10)));
        warnUnknown(server, sockets, HelidonKeys.load(ServerSettings.class.getClassLoader()));
        return new ServerSettings(host, port, opsHost, opsPort, grace, opsToken, connections);
    }

    /**
     * Points out keys under {@code server} and its sockets that neither Conduit nor Helidon's web server reads: typos,
     * which Helidon would ignore. Nothing is said when Helidon's key list cannot be read.
     */
    static void warnUnknown(ConfigReader server, List<ConfigReader> sockets, HelidonKeys helidon) {
        if (!helidon.known()) {
            return;
        }
        server.allow(helidon.server());
        server.warnUnknown();
        for (ConfigReader socket : sockets) {
            socket.string("name", "");
            socket.string("token");
            socket.allow(helidon.socket());
            socket.warnUnknown();
        }
    }

    /** A duration Helidon reads too: it takes ISO-8601 only, so say so here rather than fail inside Helidon. */
    private static Duration helidonDuration(ConfigReader node, String name, Duration defaultValue, Duration min,
                                            Duration max) {
        Optional<String> raw = node.string(name);
        if (raw.isPresent() && !raw.get().trim().toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
            throw new InvalidConfigException(node.key(name), "must be an ISO-8601 duration such as PT60S (Helidon "
                                                             + "reads this key too), not '" + raw.get() + "'");
        }
        return node.duration(name, defaultValue, min, max);
    }

    /** The ops token from the environment variable {@code raw} names; never written in the file itself. */
    private static String token(String key, String raw, Map<String, String> environment) {
        Matcher reference = ENV_REFERENCE.matcher(raw.trim());
        if (!reference.matches()) {
            throw new InvalidConfigException(key, "must reference an environment variable, like ${CONDUIT_OPS_TOKEN}; "
                                                  + "secrets are never written in the configuration file");
        }
        String token = environment.get(reference.group(1));
        if (token == null || token.length() < MIN_TOKEN_LENGTH) {
            throw new InvalidConfigException(key, "refers to the environment variable " + reference.group(1)
                                                  + ", which is not set or shorter than " + MIN_TOKEN_LENGTH
                                                  + " characters");
        }
        Redactor.register(token);
        return token;
    }

    /** Whether every listener is bound to a loopback address. */
    boolean loopbackOnly() {
        return isLoopback(host) && isLoopback(opsHost);
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new InvalidConfigException("server.host", "cannot resolve host " + host);
        }
    }
}
