package dev.conduit.core.spi;

import java.util.concurrent.CompletableFuture;

/**
 * The only way out of a sandbox: calls tools for one execution, through the gateway's own policy, validation and
 * upstream path, counting against the execution's tool-call budget and recording a trace. Values cross the boundary
 * as JSON text, so no host object ever enters the guest. Thread-safe.
 */
public interface ToolBridge {

    /**
     * Calls {@code tool} (its exposed name, or {@code upstream.tool}) with arguments given as a JSON object.
     *
     * @return the outcome as JSON text: {@code {"value": ...}} or {@code {"error": {"code", "message"}}}
     */
    String call(String tool, String argumentsJson);

    /**
     * Starts the same call as {@link #call} and returns at once: the guest goes on while it runs, so the calls of
     * {@code Promise.all([...])} overlap as in Deno. The future completes with {@link #call}'s answer (never
     * exceptionally); {@link #idle} returns early when it does. This default answers before it returns.
     */
    default CompletableFuture<String> start(String tool, String argumentsJson) {
        return CompletableFuture.completedFuture(call(tool, argumentsJson));
    }

    /**
     * The largest arguments a call may pass, in bytes of JSON ({@code limits.tool-argument-bytes} in the gateway). An
     * engine that carries arguments through a bounded channel (Deno's pipe) answers a larger call with
     * {@link #oversized} instead of sending it; every other engine sends it and {@link #call} refuses it.
     */
    default long maxArgumentBytes() {
        return Long.MAX_VALUE;
    }

    /**
     * The answer to a call of {@code tool} whose arguments are {@code bytes} of JSON, over {@link #maxArgumentBytes}:
     * the refusal {@link #call} would have given them, counted and traced as that call would have been.
     */
    default String oversized(String tool, long bytes) {
        return "{\"error\":{\"code\":-32602,\"message\":\"The arguments for tool " + tool + " are " + bytes
               + " bytes of JSON; the limit is " + maxArgumentBytes() + " bytes\"}}";
    }

    /**
     * The tools this execution may call, as JSON text: an array of
     * {@code {"name", "namespace", "local", "description"}} objects. The SDK inside the sandbox is built from it as data;
     * no upstream text is ever compiled as code.
     */
    String manifestJson();

    /**
     * The tools this execution may call, for the guest's own discovery ({@code discoverMCPTools},
     * {@code discover_mcp_tools}): a JSON array of {@code {"name", "description", "inputSchema"}} objects.
     *
     * @param optionsJson a JSON object; {@code package} keeps one upstream's tools, {@code search} keeps the tools whose
     *                    name or description contains every word of it
     */
    String discoverJson(String optionsJson);

    /** Whether the tool-call budget is spent; the executor then stops the guest. */
    boolean budgetExceeded();

    /**
     * Whether the execution's request was cancelled (by its client, or by the server shutting down); the executor
     * then stops the guest as it does for a limit ({@link ExecutionOutcome.Limit#CANCELLED}), within the same time.
     */
    default boolean cancelled() {
        return false;
    }

    /**
     * Waits up to {@code millis} for a guest's timer ({@code setTimeout} in the in-process JavaScript engines) or a
     * call begun with {@link #start}, as a tool call waits: without holding a turn to run guest code, so programs
     * asleep do not keep others from the cores. Returns early when interrupted or when a started call answers (also
     * one that answered since the last wait); the engine checks its limits after it.
     */
    default void idle(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
