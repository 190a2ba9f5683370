package dev.conduit.gateway;

import java.time.Duration;

import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.policy.RateLimiter;

/** The one shape of a rate-limit refusal: -32005, what was limited, and when to come back ({@code data}). */
final class RateLimitErrors {
    private RateLimitErrors() {
    }

    /** The refusal (the caller counts it, once, in {@code conduit_rate_limited_total}). */
    static JsonRpcError of(RateLimiter.Kind kind, String principal, Duration retryAfter) {
        String what = switch (kind) {
            case REQUESTS -> "requests";
            case EXECUTIONS -> "executions started";
            case TOOL_CALLS -> "tool calls from programs";
        };
        return Outcome.RATE_LIMITED.error("Rate limit exceeded: too many " + what + " for '" + principal
                                                        + "'; retry after " + retryAfter.toMillis() + " ms")
                .withData(Json.object().put("limit", kind.id()).put("retryAfterMs", retryAfter.toMillis()));
    }
}
