package dev.conduit.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
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
 *   sockets:
 *     - name: ops          # health and metrics
 *       host: 127.0.0.1
 *       port: 9090
 *       token: ${CONDUIT_OPS_TOKEN}   # optional: every ops request must then send Authorization: Bearer &lt;token&gt;
 * </pre>
 */
record ServerSettings(String host, int port, String opsHost, int opsPort, Duration shutdownGrace,
                      Optional<String> opsToken) {
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final int MIN_TOKEN_LENGTH = 16;

    static ServerSettings from(ConfigReader server) {
        String host = server.string("host", "127.0.0.1");
        int port = server.integer("port", 8080, 0, 65535);
        Duration grace = server.duration("shutdown-grace", Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10));
        String opsHost = "127.0.0.1";
        int opsPort = 9090;
        boolean found = false;
        Optional<String> opsToken = Optional.empty();
        for (ConfigReader socket : server.list("sockets")) {
            if ("ops".equals(socket.string("name", ""))) {
                opsHost = socket.string("host", opsHost);
                opsPort = socket.integer("port", opsPort, 0, 65535);
                Optional<String> raw = socket.string("token");
                if (raw.isPresent()) {
                    opsToken = Optional.of(token(socket.key("token"), raw.get()));
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
        return new ServerSettings(host, port, opsHost, opsPort, grace, opsToken);
    }

    /** The ops token from the environment variable {@code raw} names; never written in the file itself. */
    private static String token(String key, String raw) {
        Matcher reference = ENV_REFERENCE.matcher(raw.trim());
        if (!reference.matches()) {
            throw new InvalidConfigException(key, "must reference an environment variable, like ${CONDUIT_OPS_TOKEN}; "
                                                  + "secrets are never written in the configuration file");
        }
        String token = System.getenv(reference.group(1));
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
