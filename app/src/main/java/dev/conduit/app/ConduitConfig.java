package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.conduit.auth.AuthConfig;
import dev.conduit.core.Principal;
import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.gateway.ExecutorsConfig;
import dev.conduit.gateway.McpServer;
import dev.conduit.policy.AuditSettings;
import dev.conduit.policy.ExecutionLimitsPolicy;
import dev.conduit.policy.RateLimits;
import dev.conduit.transport.HttpTransportConfig;
import dev.conduit.transport.SocketTransportConfig;
import dev.conduit.transport.StdioTransport;
import dev.conduit.upstream.UpstreamConfig;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * The whole validated configuration. Sources, highest priority first: environment variables
 * ({@code SERVER_PORT=0} sets {@code server.port}), system properties, the YAML file.
 *
 * @param raw      the Helidon config, for the parts Helidon reads itself ({@code server})
 * @param server   listeners and shutdown
 * @param auth     API keys
 * @param http     the Streamable HTTP transport
 * @param pageSize  tools per {@code tools/list} page ({@code limits.page-size})
 * @param toolArgumentBytes {@code limits.tool-argument-bytes}: the largest arguments a tool call may pass upstream
 * @param upstreams the MCP servers whose tools are served
 * @param strictValidation {@code policy.strict-validation}: refuse unlisted tools and tools without a schema
 * @param outboundAllow    {@code policy.outbound.allow}: non-public addresses HTTP upstreams may have
 * @param executors        {@code executors}: engines, guest threads, queue
 * @param executionLimits  {@code limits.execution} and {@code limits.caps}
 * @param stdioKey         {@code transports.stdio.key}: the API key whose allow-list and limits stdio clients get
 * @param stdioMaxMessageBytes {@code transports.stdio.max-message-bytes}: the largest message written to stdout
 * @param socket           {@code transports.socket}: the Unix domain socket listener, when configured
 * @param tracing          {@code tracing}: OpenTelemetry export, off unless an endpoint is set
 * @param rateLimits       {@code policy.rate-limits}: token buckets per principal, none by default
 * @param audit            {@code policy.audit}: where audit records go and what they hold
 * @param cluster          {@code cluster}: what replicas share (the secret signing session ids)
 * @param environment      the process environment the configuration was read with (secrets, stdio upstreams'
 *                         {@code PATH}); read once, here, so nothing else reads it
 */
record ConduitConfig(Config raw, ServerSettings server, AuthConfig auth, HttpTransportConfig http, int pageSize,
                     int toolArgumentBytes, List<UpstreamConfig> upstreams, boolean strictValidation, List<String> outboundAllow,
                     ExecutorsConfig executors, ExecutionLimitsPolicy executionLimits, Optional<String> stdioKey,
                     int stdioMaxMessageBytes, Optional<SocketTransportConfig> socket, TracingSettings tracing,
                     RateLimits rateLimits, AuditSettings audit, ClusterSettings cluster, Map<String, String> environment) {

    ConduitConfig {
        Objects.requireNonNull(raw);
        environment = Map.copyOf(environment);
        if (!auth.enabled() && !server.loopbackOnly()) {
            throw new InvalidConfigException("auth.enabled", "may be false only while every listener is bound to "
                    + "loopback; server.host is " + server.host() + " and the ops socket is " + server.opsHost()
                    + ". Turn authentication on or bind both to 127.0.0.1");
        }
    }

    /** Loads and validates {@code file}, with secrets looked up in {@code environment}. */
    static ConduitConfig load(Path file, Map<String, String> environment) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException("--config", "the configuration file " + file + " does not exist");
        }
        return from(read(file), written(file), environment, Optional.of(file.toAbsolutePath().normalize().getParent()));
    }

    /**
     * The {@code executors} node of {@code file} alone, nothing else validated (no secret need be set): what the
     * start-up cache's training run ({@code conduit --train --config FILE}) needs to know. The defaults when the file
     * does not exist.
     */
    static ExecutorsConfig executorsOf(Path file) {
        Config config = Files.isRegularFile(file) ? read(file) : Config.empty();
        return ExecutorsConfig.from(ConfigReader.of(config).child("executors"));
    }

    /** What {@code file} itself says, without the environment variables and system properties over it. */
    private static Config written(Path file) {
        return Config.builder()
                .disableValueResolving()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.file(file))
                .build();
    }

    private static Config read(Path file) {
        return Config.builder()
                // Secrets are written as ${VAR} and resolved by AuthConfig, which insists on that form.
                .disableValueResolving()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.environmentVariables(), ConfigSources.systemProperties(),
                         ConfigSources.file(file))
                .build();
    }

    /**
     * Who stdio clients act as: the key {@code transports.stdio.key} names, or the anonymous principal when
     * authentication is off.
     */
    Principal stdioPrincipal() {
        if (!auth.enabled()) {
            return Principal.anonymous();
        }
        return stdioKey.flatMap(id -> auth.apiKeys().stream().filter(key -> key.id().equals(id)).findFirst())
                .map(key -> key.principal())
                .orElseThrow(() -> new InvalidConfigException("transports.stdio.key", "is required for --stdio while "
                        + "auth.enabled is true: name the API key whose tool allow-list and limits stdio clients get"));
    }

    /** Validates an already-built config. */
    static ConduitConfig from(Config config, Map<String, String> environment) {
        return from(config, config, environment, Optional.empty());
    }

    /**
     * Validates an already-built config read from a file in {@code folder}, against which relative paths resolve;
     * {@code written} is what the file alone says, where misspelt keys are looked for.
     */
    private static ConduitConfig from(Config config, Config written, Map<String, String> environment,
                                      Optional<Path> folder) {
        ConfigReader root = ConfigReader.of(config, written);
        ServerSettings server = ServerSettings.from(root.child("server"), environment);
        AuthConfig auth = AuthConfig.from(root.child("auth"), environment);
        ConfigReader transports = root.child("transports");
        HttpTransportConfig http = HttpTransportConfig.from(transports.child("http"));
        ConfigReader stdio = transports.child("stdio");
        Optional<String> stdioKey = stdio.string("key");
        int stdioMaxMessageBytes = stdio.integer("max-message-bytes", StdioTransport.DEFAULT_MAX_MESSAGE_BYTES,
                                                 64 * 1024, Integer.MAX_VALUE - 1);
        stdio.warnUnknown();
        if (stdioKey.isPresent() && auth.apiKeys().stream().noneMatch(key -> key.id().equals(stdioKey.get()))) {
            throw new InvalidConfigException("transports.stdio.key", "names no key of auth.api-keys: '"
                                                                     + stdioKey.get() + "'");
        }
        Optional<SocketTransportConfig> socket = SocketTransportConfig.from(transports.child("socket"));
        transports.warnUnknown();
        ConfigReader limits = root.child("limits");
        int pageSize = limits.integer("page-size", McpServer.DEFAULT_PAGE_SIZE, 1, 1000);
        int toolArgumentBytes = limits.integer("tool-argument-bytes", McpServer.DEFAULT_TOOL_ARGUMENT_BYTES, 2,
                                               256 * 1024 * 1024);
        ExecutionLimitsPolicy executionLimits = ExecutionLimitsPolicy.from(limits);
        limits.warnUnknown();
        ExecutorsConfig executors = ExecutorsConfig.from(root.child("executors"));
        List<UpstreamConfig> upstreams = UpstreamConfig.listFrom(root.list("upstreams"), environment).stream()
                .map(upstream -> folder.map(upstream::runFrom).orElse(upstream)).toList();
        ConfigReader policy = root.child("policy");
        boolean strict = policy.bool("strict-validation", false);
        ConfigReader outbound = policy.child("outbound");
        List<String> allow = outbound.strings("allow", List.of());
        outbound.warnUnknown();
        RateLimits rateLimits = RateLimits.from(policy.child("rate-limits"), environment);
        AuditSettings audit = AuditSettings.from(policy.child("audit"));
        for (String id : rateLimits.keys().keySet()) {
            if (auth.apiKeys().stream().noneMatch(key -> key.id().equals(id))) {
                throw new InvalidConfigException("policy.rate-limits.keys." + id, "names no key of auth.api-keys");
            }
        }
        policy.warnUnknown();
        for (int i = 0; i < auth.apiKeys().size(); i++) {
            executionLimits.checkUnderCaps(auth.apiKeys().get(i).limits(), "auth.api-keys." + i + ".limits");
        }
        TracingSettings tracing = TracingSettings.from(root.child("tracing"));
        ClusterSettings cluster = ClusterSettings.from(root.child("cluster"), environment);
        root.warnUnknown(); // "upstream:" for "upstreams:" left a server without upstreams, and said nothing
        return new ConduitConfig(config, server, auth, http, pageSize, toolArgumentBytes, upstreams, strict, allow, executors,
                                 executionLimits, stdioKey, stdioMaxMessageBytes, socket, tracing, rateLimits, audit,
                                 cluster, environment);
    }
}
