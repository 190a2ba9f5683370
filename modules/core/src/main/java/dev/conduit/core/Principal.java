package dev.conduit.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.conduit.core.spi.LimitOverrides;

/**
 * Who is calling: an API key id, or the one local principal of an instance that runs without authentication.
 * Never carries a secret, so it is safe to log.
 *
 * @param id           the key id (or {@value #ANONYMOUS_ID})
 * @param allowedTools the tool patterns this principal may see and call ({@code *}, {@code upstream.*},
 *                     {@code upstream.tool}); enforced by the gateway
 * @param limits       execution limits the principal's key sets for itself
 * @param engines      the engine this principal's programs run on when a request names none, by language id
 *                     ({@code javascript}, {@code typescript}, {@code python}); languages not named follow
 *                     {@code executors.default}
 */
public record Principal(String id, List<String> allowedTools, LimitOverrides limits, Map<String, String> engines) {
    /** The id of the principal of an instance with authentication switched off. */
    public static final String ANONYMOUS_ID = "anonymous";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public Principal {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a principal id is 1-64 letters, digits, '_', '.' or '-': " + id);
        }
        allowedTools = List.copyOf(allowedTools);
        Objects.requireNonNull(limits, "limits");
        engines = Map.copyOf(engines);
    }

    /** A principal whose programs run on the configured default engines. */
    public Principal(String id, List<String> allowedTools, LimitOverrides limits) {
        this(id, allowedTools, limits, Map.of());
    }

    /** A principal with the configured default limits. */
    public Principal(String id, List<String> allowedTools) {
        this(id, allowedTools, LimitOverrides.none());
    }

    /** The principal of an instance that runs without authentication: it may use every tool. */
    public static Principal anonymous() {
        return new Principal(ANONYMOUS_ID, List.of("*"));
    }
}
