package dev.conduit.policy;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;

/**
 * The {@code policy.rate-limits} node: token buckets per principal for requests, executions started and tool calls
 * made by programs, by default and per API key. A kind without a bucket is not limited.
 * <pre>
 * policy:
 *   rate-limits:
 *     requests:   {rate: 20/s, burst: 40}      # every JSON-RPC request of a client, on every transport
 *     executions: {rate: 2/s, burst: 10}       # programs started
 *     keys:
 *       ci-bot:
 *         requests:   {rate: 10/m, burst: 10}
 *         tool-calls: {rate: 100/m, burst: 100}   # calls made from inside programs, across executions
 * </pre>
 * A program's tool calls never count as requests: they are governed by the execution's tool-call budget and, when
 * set, by the {@code tool-calls} bucket.
 *
 * @param defaults buckets for every principal
 * @param keys     buckets of particular principals, replacing the defaults kind by kind
 * @param store    where several replicas keep the buckets together ({@code store.url}); empty: this process's memory
 */
public record RateLimits(Map<RateLimiter.Kind, Bucket> defaults, Map<String, Map<RateLimiter.Kind, Bucket>> keys,
                         Optional<RateStore> store) {

    /**
     * One bucket.
     *
     * @param perSecond tokens added per second
     * @param burst     tokens it holds at most (and starts with)
     */
    public record Bucket(double perSecond, int burst) {
    }

    public RateLimits {
        defaults = Map.copyOf(defaults);
        keys = Map.copyOf(keys);
    }

    /** Buckets kept in this process's memory. */
    public RateLimits(Map<RateLimiter.Kind, Bucket> defaults, Map<String, Map<RateLimiter.Kind, Bucket>> keys) {
        this(defaults, keys, Optional.empty());
    }

    /** No limits at all. */
    public static RateLimits none() {
        return new RateLimits(Map.of(), Map.of(), Optional.empty());
    }

    /** The bucket of {@code kind} for {@code principal}, if it is limited. */
    public Optional<Bucket> bucket(String principal, RateLimiter.Kind kind) {
        Map<RateLimiter.Kind, Bucket> own = keys.get(principal);
        if (own != null && own.containsKey(kind)) {
            return Optional.of(own.get(kind));
        }
        return Optional.ofNullable(defaults.get(kind));
    }

    /** Reads {@code policy.rate-limits}, without a store. */
    public static RateLimits from(ConfigReader node) {
        return from(node, Map.of());
    }

    /** Reads {@code policy.rate-limits}; {@code ${VAR}} in the store's URL come from {@code environment}. */
    public static RateLimits from(ConfigReader node, Map<String, String> environment) {
        Map<RateLimiter.Kind, Bucket> defaults = buckets(node);
        Map<String, Map<RateLimiter.Kind, Bucket>> keys = new HashMap<>();
        ConfigReader keyNodes = node.child("keys");
        for (String id : keyNodes.childNames()) {
            ConfigReader key = keyNodes.child(id);
            keys.put(id, buckets(key));
            key.warnUnknown();
        }
        Optional<RateStore> store = RateStore.from(node.child("store"), environment);
        node.warnUnknown();
        return new RateLimits(defaults, keys, store);
    }

    private static Map<RateLimiter.Kind, Bucket> buckets(ConfigReader node) {
        Map<RateLimiter.Kind, Bucket> buckets = new EnumMap<>(RateLimiter.Kind.class);
        for (RateLimiter.Kind kind : RateLimiter.Kind.values()) {
            if (node.has(kind.id())) {
                ConfigReader bucket = node.child(kind.id());
                double perSecond = rate(bucket.key("rate"), bucket.requiredString("rate"));
                int burst = bucket.integer("burst", (int) Math.max(1, Math.ceil(perSecond)), 1, 1_000_000);
                bucket.warnUnknown();
                buckets.put(kind, new Bucket(perSecond, burst));
            }
        }
        return buckets;
    }

    /** {@code 20/s}, {@code 600/m}, {@code 1000/h}: tokens per second. */
    static double rate(String key, String raw) {
        String[] parts = raw.trim().split("/");
        Map<String, Duration> units = Map.of("s", Duration.ofSeconds(1), "m", Duration.ofMinutes(1),
                                             "h", Duration.ofHours(1));
        try {
            if (parts.length == 2 && units.containsKey(parts[1].trim())) {
                double count = Double.parseDouble(parts[0].trim());
                if (count > 0) {
                    return count / units.get(parts[1].trim()).toSeconds();
                }
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new InvalidConfigException(key, "must be a rate such as 20/s, 600/m or 1000/h, not '" + raw + "'");
    }
}
