package dev.conduit.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conduit.core.Principal;
import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.log.Redactor;
import dev.conduit.core.spi.LimitOverrides;

/**
 * The {@code auth} node.
 * <pre>
 * auth:
 *   enabled: true                 # default true; false only while every listener is bound to loopback
 *   api-keys:
 *     - id: local                 # 1-64 of [A-Za-z0-9_.-]; shown in logs and metrics
 *       secret: ${CONDUIT_API_KEY} # must reference an environment variable; at least 16 characters
 *       tools: ["everything.*"]   # optional tool patterns; default ["*"]
 *       limits:                   # optional execution limits of this key (limits.execution's keys, under
 *         wall-time: 2m           # limits.caps); a request can still only lower them
 *       engines:                  # optional: the engine of this key's programs when a request names none
 *         javascript: deno        # (javascript, typescript, python); else executors.default
 * </pre>
 *
 * @param enabled whether requests must present a key
 * @param apiKeys the keys, at least one when enabled
 */
public record AuthConfig(boolean enabled, List<ApiKey> apiKeys) {
    /** Shortest secret accepted: shorter ones are guessable. */
    public static final int MIN_SECRET_LENGTH = 16;

    /** The languages a key may choose an engine for ({@code engines.<language>}). */
    private static final List<String> LANGUAGES = List.of("javascript", "typescript", "python");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public AuthConfig {
        apiKeys = List.copyOf(apiKeys);
        if (enabled && apiKeys.isEmpty()) {
            throw new InvalidConfigException("auth.api-keys", "at least one key is required while auth.enabled is true");
        }
    }

    /**
     * Reads the {@code auth} node.
     *
     * @param auth        the node
     * @param environment where secret references are looked up (the process environment in production)
     * @throws InvalidConfigException naming the key at fault
     */
    public static AuthConfig from(ConfigReader auth, Map<String, String> environment) {
        boolean enabled = auth.bool("enabled", true);
        List<ApiKey> keys = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigReader key : auth.list("api-keys")) {
            String id = key.requiredString("id");
            try {
                new Principal(id, List.of());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(key.key("id"), "must be 1-64 of the characters A-Z a-z 0-9 _ . - "
                                                                + "and start with a letter or digit");
            }
            if (!ids.add(id)) {
                throw new InvalidConfigException(key.key("id"), "duplicate key id '" + id + "'");
            }
            String secret = resolveSecret(key.key("secret"), key.requiredString("secret"), environment);
            List<String> tools = key.strings("tools", List.of("*"));
            LimitOverrides limits = limits(key.child("limits"));
            Map<String, String> engines = engines(key.child("engines"));
            key.warnUnknown();
            keys.add(ApiKey.of(id, secret, tools, limits, engines));
        }
        auth.warnUnknown();
        return new AuthConfig(enabled, keys);
    }

    /** A key's engines by language; whether each is enabled and runs the language is checked once engines exist. */
    private static Map<String, String> engines(ConfigReader node) {
        Map<String, String> engines = new LinkedHashMap<>();
        for (String language : LANGUAGES) {
            if (node.has(language)) {
                engines.put(language, node.requiredString(language));
            }
        }
        node.warnUnknown();
        return engines;
    }

    private static LimitOverrides limits(ConfigReader node) {
        Duration longest = Duration.ofDays(1);
        LimitOverrides limits = new LimitOverrides(
                node.has("wall-time") ? Optional.of(node.duration("wall-time", Duration.ZERO, Duration.ofMillis(10),
                                                                  longest)) : Optional.empty(),
                node.has("cpu-time") ? Optional.of(node.duration("cpu-time", Duration.ZERO, Duration.ofMillis(10),
                                                                 longest)) : Optional.empty(),
                node.has("memory-bytes") ? OptionalLong.of(node.longValue("memory-bytes", 0, 1024 * 1024,
                                                                          Long.MAX_VALUE)) : OptionalLong.empty(),
                node.has("output-bytes") ? OptionalLong.of(node.longValue("output-bytes", 0, 1024, Long.MAX_VALUE))
                                         : OptionalLong.empty(),
                node.has("log-entries") ? OptionalInt.of(node.integer("log-entries", 0, 1, Integer.MAX_VALUE))
                                        : OptionalInt.empty(),
                node.has("tool-calls") ? OptionalInt.of(node.integer("tool-calls", 0, 0, Integer.MAX_VALUE))
                                       : OptionalInt.empty());
        node.warnUnknown();
        return limits;
    }

    /**
     * The secret {@code raw} refers to ({@code ${VAR}}, from {@code environment}): never written in the file, at least
     * 32 characters, masked in every log line from now on; else start-up stops naming {@code key} and the fix.
     */
    public static String secret(String key, String raw, Map<String, String> environment) {
        return resolveSecret(key, raw, environment);
    }

    private static String resolveSecret(String key, String raw, Map<String, String> environment) {
        Matcher reference = ENV_REFERENCE.matcher(raw.trim());
        if (!reference.matches()) {
            throw new InvalidConfigException(key, "must reference an environment variable, like ${CONDUIT_API_KEY}; "
                                                  + "secrets are never written in the configuration file");
        }
        String variable = reference.group(1);
        String secret = environment.get(variable);
        if (secret == null || secret.isEmpty()) {
            throw new InvalidConfigException(key, "refers to the environment variable " + variable
                                                  + ", which is not set; set it to a random secret of "
                                                  + MIN_SECRET_LENGTH + " characters or more, for example: export "
                                                  + variable + "=$(openssl rand -hex 32)");
        }
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new InvalidConfigException(key, "the value of " + variable + " is shorter than "
                                                  + MIN_SECRET_LENGTH + " characters; use a random secret "
                                                  + "such as the output of: openssl rand -hex 32");
        }
        Redactor.register(secret);
        return secret;
    }
}
