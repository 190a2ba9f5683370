package dev.conduit.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.EnvReferences;
import dev.conduit.core.config.InvalidConfigException;

/**
 * One entry of {@code upstreams:}: an MCP server whose tools Conduit serves under its {@link #namespace()}.
 * <pre>
 * upstreams:
 *   - id: files                 # ^[a-z][a-z0-9_-]{0,31}$ without "__"; allow-lists, metrics and logs name it
 *     namespace: fs             # the prefix of its tools and prompts (fs__read_file); default: the id;
 *                               # "" publishes them under their own names
 *     type: stdio               # stdio | http (Streamable HTTP) | sse (legacy HTTP+SSE)
 *     command: node             # stdio: absolute, or looked up in PATH
 *     args: [server.js, /data]
 *     cwd: /srv/files           # stdio: working directory (default, and base of a relative one: the config's folder)
 *     env:                      # stdio: the child's whole environment; ${VAR} takes Conduit's variable
 *       HOME: /tmp
 *     url: https://mcp.example.com/mcp   # http/sse
 *     headers: {X-Team: blue}   # http/sse: sent on every request
 *     auth: {type: bearer, token: ${TOKEN}}   # http/sse: see {@link Credentials}
 *     timeout: 30s              # per request to the upstream (100ms to 10m)
 *     enabled: true
 *     eager: false              # connect at start-up instead of on first use
 *     cache-ttl: 5m             # how long its tool list is reused (0s to 1d)
 *     max-message-bytes: 16777216   # a longer message from it drops the connection
 *     protocol: auto            # auto: server/discover first (2026-07-28), initialize if it is not offered;
 *                               # legacy: initialize only (2025 era); modern: 2026-07-28 only
 *     relay-roots: false        # pass the upstream's roots/list on to clients (they then decide its roots)
 * </pre>
 */
public record UpstreamConfig(String id,
                             String namespace,
                             Transport transport,
                             Duration timeout,
                             boolean enabled,
                             boolean eager,
                             Duration cacheTtl,
                             int maxMessageBytes,
                             Protocol protocol,
                             boolean relayRoots) {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,31}");

    public UpstreamConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** Which protocol era the gateway speaks to the upstream. */
    public enum Protocol {
        /** Probe with {@code server/discover}; the 2026-07-28 era when offered, else {@code initialize}. */
        AUTO,
        /** The {@code initialize} handshake and the 2025 era, without a probe (for servers a probe upsets). */
        LEGACY,
        /** 2026-07-28 only: an upstream that does not offer it is reported down with the reason. */
        MODERN
    }

    /** How to reach the upstream. */
    public sealed interface Transport permits Stdio, Http {
    }

    /**
     * A child process speaking newline-delimited JSON-RPC on stdin/stdout.
     *
     * @param command the program
     * @param args    its arguments
     * @param cwd     its working directory, if not Conduit's
     * @param env     its entire environment, already resolved
     */
    public record Stdio(String command, List<String> args, Optional<String> cwd, Map<String, String> env)
            implements Transport {
        public Stdio {
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }

        @Override
        public String toString() {
            // Environment values may be secrets.
            return "Stdio[command=" + command + ", args=" + args + ", cwd=" + cwd + ", env=" + env.keySet() + "]";
        }
    }

    /**
     * An MCP server over HTTP.
     *
     * @param url     the endpoint
     * @param legacySse true for the 2024-11-05 HTTP+SSE transport, false for Streamable HTTP
     * @param headers extra headers, already resolved
     * @param auth    how to authenticate, if the upstream wants it
     */
    public record Http(URI url, boolean legacySse, Map<String, String> headers, Optional<Credentials> auth)
            implements Transport {
        public Http {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(auth, "auth");
        }

        @Override
        public String toString() {
            return "Http[url=" + url + ", legacySse=" + legacySse + ", headers=" + headers.keySet() + ", auth="
                   + auth + "]";
        }
    }

    /**
     * This upstream with a stdio server's working directory resolved against {@code folder} (the configuration file's
     * folder): by default the folder itself, so that the relative paths in its arguments mean the same whichever
     * directory Conduit is started from (desktop clients start it from {@code /}).
     */
    public UpstreamConfig runFrom(Path folder) {
        if (!(transport instanceof Stdio stdio)) {
            return this;
        }
        String cwd = folder.resolve(stdio.cwd().orElse(".")).normalize().toString();
        return new UpstreamConfig(id, namespace, new Stdio(stdio.command(), stdio.args(), Optional.of(cwd), stdio.env()),
                                  timeout, enabled, eager, cacheTtl, maxMessageBytes, protocol, relayRoots);
    }

    /** Reads one item of {@code upstreams:}; {@code environment} resolves {@code ${VAR}} references. */
    public static UpstreamConfig from(ConfigReader node, Map<String, String> environment) {
        String id = node.requiredString("id");
        if (!ID.matcher(id).matches() || id.contains("__") || id.equals("conduit")) {
            throw new InvalidConfigException(node.key("id"), "must match ^[a-z][a-z0-9_-]{0,31}$, contain no \"__\" "
                                                             + "and not be \"conduit\", not '" + id + "'");
        }
        String type = node.string("type", "stdio");
        Transport transport = switch (type) {
            case "stdio" -> {
                if (node.has("auth")) {
                    throw new InvalidConfigException(node.key("auth"), "applies to http and sse upstreams; a stdio "
                                                                       + "upstream takes its secrets through env");
                }
                yield new Stdio(node.requiredString("command"), node.strings("args", List.of()), node.string("cwd"),
                                resolve(node, "env", environment));
            }
            case "http", "sse" -> new Http(url(node), type.equals("sse"), resolve(node, "headers", environment),
                    node.has("auth") ? Optional.of(Credentials.from(node.child("auth"), environment))
                                     : Optional.empty());
            default -> throw new InvalidConfigException(node.key("type"), "must be stdio, http or sse, not '"
                                                                          + type + "'");
        };
        String namespace = node.string("namespace", id);
        if (!namespace.isEmpty() && (!NAMESPACE.matcher(namespace).matches() || namespace.contains("__")
                                     || namespace.equals("conduit"))) {
            throw new InvalidConfigException(node.key("namespace"), "must be \"\" (no prefix) or match "
                    + "^[a-zA-Z0-9][a-zA-Z0-9_-]{0,31}$ without \"__\" and not be \"conduit\", not '" + namespace + "'");
        }
        UpstreamConfig config = new UpstreamConfig(
                id,
                namespace,
                transport,
                node.duration("timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(10)),
                node.bool("enabled", true),
                node.bool("eager", false),
                node.duration("cache-ttl", Duration.ofMinutes(5), Duration.ZERO, Duration.ofDays(1)),
                node.integer("max-message-bytes", 16 * 1024 * 1024, 1024, 256 * 1024 * 1024),
                protocol(node),
                node.bool("relay-roots", false));
        node.warnUnknown();
        return config;
    }

    /**
     * Reads the whole {@code upstreams:} list; ids must be unique, and so must non-empty namespaces (two upstreams
     * under one prefix would publish colliding names). Several upstreams may have the empty namespace: a tool name two
     * of them publish is reported when they list it ({@link ToolNames}).
     */
    public static List<UpstreamConfig> listFrom(List<ConfigReader> nodes, Map<String, String> environment) {
        List<UpstreamConfig> configs = nodes.stream().map(node -> from(node, environment)).toList();
        for (int i = 0; i < configs.size(); i++) {
            for (int j = 0; j < i; j++) {
                UpstreamConfig later = configs.get(i);
                UpstreamConfig earlier = configs.get(j);
                if (later.id().equals(earlier.id())) {
                    throw new InvalidConfigException(nodes.get(i).key("id"), "duplicate upstream id '"
                                                                             + later.id() + "'");
                }
                if (!later.namespace().isEmpty() && later.namespace().equals(earlier.namespace())) {
                    throw new InvalidConfigException(nodes.get(i).key("namespace"), "upstreams '" + earlier.id()
                            + "' and '" + later.id() + "' both publish under the namespace '" + later.namespace()
                            + "'; give one of them another namespace");
                }
            }
        }
        return configs;
    }

    private static Protocol protocol(ConfigReader node) {
        String value = node.string("protocol", "auto");
        return switch (value) {
            case "auto" -> Protocol.AUTO;
            case "legacy" -> Protocol.LEGACY;
            case "modern" -> Protocol.MODERN;
            default -> throw new InvalidConfigException(node.key("protocol"), "must be auto, legacy or modern, not '"
                                                                              + value + "'");
        };
    }

    private static URI url(ConfigReader node) {
        String raw = node.requiredString("url");
        try {
            URI uri = new URI(raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new InvalidConfigException(node.key("url"), "must be an http or https URL, not '" + raw + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(node.key("url"), "is not a valid URL: " + raw);
        }
    }

    private static Map<String, String> resolve(ConfigReader node, String name, Map<String, String> environment) {
        Map<String, String> raw = node.stringMap(name);
        Map<String, String> resolved = new java.util.LinkedHashMap<>();
        raw.forEach((key, value) -> resolved.put(key, EnvReferences.resolve(node.key(name) + "." + key, value,
                                                                             environment)));
        return resolved;
    }
}
