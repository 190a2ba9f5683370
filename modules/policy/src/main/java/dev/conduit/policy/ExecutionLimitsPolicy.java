package dev.conduit.policy;

import java.time.Duration;
import java.util.Objects;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.LimitOverrides;
import tools.jackson.databind.JsonNode;

/**
 * The limits of Code Mode executions: the configured defaults, which every execution gets, and the hard caps the
 * defaults must stay under. A request may lower any limit with its {@code limits} object, never raise one: the
 * original let a client set its own timeout and memory without bounds.
 * <pre>
 * limits:
 *   execution:
 *     wall-time: 30s        cpu-time: 10s          memory-bytes: 268435456
 *     output-bytes: 1048576 log-entries: 10000     tool-calls: 100       code-bytes: 262144
 *   caps:                   # same keys; the defaults may not exceed them
 * </pre>
 *
 * @param defaults what an execution gets
 * @param caps     what no execution may exceed
 */
public record ExecutionLimitsPolicy(ExecutionLimits defaults, ExecutionLimits caps) {
    /** The built-in defaults. */
    public static final ExecutionLimits DEFAULTS = new ExecutionLimits(Duration.ofSeconds(30), Duration.ofSeconds(10),
                                                                       256L * 1024 * 1024, 1024 * 1024, 10_000, 100,
                                                                       256 * 1024);
    /** The built-in caps. */
    public static final ExecutionLimits CAPS = new ExecutionLimits(Duration.ofMinutes(5), Duration.ofMinutes(2),
                                                                   1024L * 1024 * 1024, 16 * 1024 * 1024, 100_000,
                                                                   10_000, 1024 * 1024);
    /** The fields of a request's {@code limits} object, the original's names. */
    public static final java.util.List<String> REQUEST_FIELDS = java.util.List.of(
            "timeoutMs", "cpuTimeMs", "memoryLimitMb", "maxOutputBytes", "maxLogEntries", "maxToolCalls");

    public ExecutionLimitsPolicy {
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(caps, "caps");
        if (!defaults.min(caps).equals(defaults)) {
            throw new InvalidConfigException("limits.execution", "every default must be at most its cap in "
                                                                 + "limits.caps");
        }
    }

    /** Reads {@code limits.execution} and {@code limits.caps}. */
    public static ExecutionLimitsPolicy from(ConfigReader limits) {
        ExecutionLimits caps = read(limits.child("caps"), CAPS, CAPS);
        ExecutionLimits defaults = read(limits.child("execution"), DEFAULTS.min(caps), caps);
        return new ExecutionLimitsPolicy(defaults, caps);
    }

    private static ExecutionLimits read(ConfigReader node, ExecutionLimits base, ExecutionLimits max) {
        ExecutionLimits limits = new ExecutionLimits(
                node.duration("wall-time", base.wallTime(), Duration.ofMillis(10), max.wallTime()),
                node.duration("cpu-time", base.cpuTime(), Duration.ofMillis(10), max.cpuTime()),
                node.longValue("memory-bytes", base.memoryBytes(), 1024 * 1024, max.memoryBytes()),
                node.longValue("output-bytes", base.outputBytes(), 1024, max.outputBytes()),
                node.integer("log-entries", base.logEntries(), 1, max.logEntries()),
                node.integer("tool-calls", base.toolCalls(), 0, max.toolCalls()),
                node.integer("code-bytes", base.codeBytes(), 16, max.codeBytes()));
        node.warnUnknown();
        return limits;
    }

    /**
     * The limits of one execution: the defaults, lowered by the request's {@code limits} object where it asks for
     * less. Keys (the original's names first): {@code timeoutMs}, {@code cpuTimeMs}, {@code memoryLimitMb},
     * {@code maxOutputBytes}, {@code maxLogEntries}, {@code maxToolCalls}. Values above the defaults change nothing.
     *
     * @throws RpcException -32602 naming the field, for a key that is not one of these or a value that is not a
     *                      positive number (zero is allowed for {@code maxToolCalls}): a typo must not silently run
     *                      the program under the defaults
     */
    public ExecutionLimits resolve(JsonNode requested) {
        return resolve(LimitOverrides.none(), requested);
    }

    /**
     * The limits of one execution by a key with its own {@code overrides}: the defaults with the key's values in
     * their place, never above the caps, then lowered by the request.
     */
    public ExecutionLimits resolve(LimitOverrides overrides, JsonNode requested) {
        ExecutionLimits base = overrides.applyTo(defaults).min(caps);
        if (requested == null || requested.isNull()) {
            return base;
        }
        if (!requested.isObject()) {
            throw invalid("\"limits\" must be an object such as {\"timeoutMs\": 5000}");
        }
        for (String field : requested.propertyNames()) {
            if (!REQUEST_FIELDS.contains(field)) {
                throw invalid("Unknown field limits." + field + "; the limits a request may lower are "
                              + String.join(", ", REQUEST_FIELDS));
            }
        }
        return base.min(asked(base, requested));
    }

    /** Whether {@code overrides} stay under the caps; the key named in the message otherwise. */
    public void checkUnderCaps(LimitOverrides overrides, String key) {
        if (!overrides.applyTo(defaults).min(caps).equals(overrides.applyTo(defaults))) {
            throw new InvalidConfigException(key, "every limit must be at most its cap in limits.caps");
        }
    }

    private static ExecutionLimits asked(ExecutionLimits defaults, JsonNode requested) {
        return new ExecutionLimits(
                Duration.ofMillis(positive(requested, "timeoutMs", defaults.wallTime().toMillis())),
                Duration.ofMillis(positive(requested, "cpuTimeMs", defaults.cpuTime().toMillis())),
                positive(requested, "memoryLimitMb", defaults.memoryBytes() / (1024 * 1024)) * 1024 * 1024,
                positive(requested, "maxOutputBytes", defaults.outputBytes()),
                (int) Math.min(Integer.MAX_VALUE, positive(requested, "maxLogEntries", defaults.logEntries())),
                (int) Math.min(Integer.MAX_VALUE, positive(requested, "maxToolCalls", defaults.toolCalls())),
                defaults.codeBytes());
    }

    private static long positive(JsonNode requested, String field, long otherwise) {
        JsonNode value = requested.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        boolean zeroAllowed = field.equals("maxToolCalls");
        if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0
            || value.asDouble() == 0 && !zeroAllowed) {
            throw invalid("Invalid limits." + field + ": must be a " + (zeroAllowed ? "non-negative" : "positive")
                          + " number, not " + value);
        }
        return (long) Math.ceil(value.asDouble());
    }

    private static RpcException invalid(String message) {
        return new RpcException(JsonRpcError.invalidParams(message));
    }
}
