package dev.conduit.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conduit.core.spi.ToolBridge;

/**
 * A tool bridge for executor contract tests, with two tools: {@code test__echo} (and {@code test__get-sum}, a name that needs an identifier) answer their arguments,
 * {@code test__fail} answers a tool error. Records every call and enforces a call budget.
 */
public final class RecordingBridge implements ToolBridge {
    private final int budget;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    public RecordingBridge(int budget) {
        this.budget = budget;
    }

    @Override
    public String call(String tool, String argumentsJson) {
        if (calls.incrementAndGet() > budget) {
            return "{\"error\":{\"code\":-32015,\"message\":\"tool-call budget spent\"}}";
        }
        seen.add(tool + " " + argumentsJson);
        return switch (tool) {
            case "test__echo", "test.echo", "test__get-sum" -> "{\"value\":" + argumentsJson + "}";
            case "test__fail" -> "{\"error\":{\"code\":-32602,\"message\":\"it failed\"}}";
            default -> "{\"error\":{\"code\":-32602,\"message\":\"Unknown tool: " + tool + "\"}}";
        };
    }

    @Override
    public String manifestJson() {
        return """
                [{"name":"test__echo","namespace":"test","local":"echo","identifier":"echo"},
                 {"name":"test__fail","namespace":"test","local":"fail","identifier":"fail"},
                 {"name":"test__get-sum","namespace":"test","local":"get-sum","identifier":"get_sum"}]""";
    }

    @Override
    public boolean budgetExceeded() {
        return calls.get() > budget;
    }

    /** The calls that reached the bridge, as {@code "<tool> <arguments>"}. */
    public List<String> seen() {
        return List.copyOf(seen);
    }
}
