package dev.conduit.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conduit.core.spi.ToolBridge;

/**
 * A tool bridge for executor contract tests. {@code test__echo}, {@code test__get-sum} (a name that needs an
 * identifier), {@code other__echo} (the same tool name in another namespace) and {@code other__ping} answer their
 * arguments ({@code test__echo} given just {@code {"repeat": n}} answers a string of n x's instead: a large answer to
 * a small call); {@code test__fail} answers a tool error; {@code secret__tool} is refused as the gateway refuses a tool
 * outside the allowlist. Records every call and enforces a call budget. Started calls run on threads of their own, as
 * the gateway's do.
 */
public final class RecordingBridge implements ToolBridge {
    private final int budget;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Runnable beforeEachCall;
    private final Semaphore answers = new Semaphore(0);
    private long maxArgumentBytes = Long.MAX_VALUE;

    public RecordingBridge(int budget) {
        this(budget, () -> { });
    }

    /**
     * A bridge whose calls each wait at a rendezvous for {@code parties - 1} others (at most 30 s) before they answer:
     * calls in flight together meet there; calls made one after another never do, and fail.
     */
    public static RecordingBridge meeting(int parties, int budget) {
        CyclicBarrier rendezvous = new CyclicBarrier(parties);
        return new RecordingBridge(budget, () -> {
            try {
                rendezvous.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("the calls were not in flight together", e);
            }
        });
    }

    /** A bridge that refuses arguments over {@code maxArgumentBytes} of JSON, as the gateway does, before it records them. */
    public static RecordingBridge limitingArguments(int budget, long maxArgumentBytes) {
        RecordingBridge bridge = new RecordingBridge(budget);
        bridge.maxArgumentBytes = maxArgumentBytes;
        return bridge;
    }

    /** A bridge that runs {@code beforeEachCall} on the calling thread first: a test looks at the engine meanwhile. */
    public RecordingBridge(int budget, Runnable beforeEachCall) {
        this.budget = budget;
        this.beforeEachCall = beforeEachCall;
    }

    @Override
    public String call(String tool, String argumentsJson) {
        beforeEachCall.run();
        if (calls.incrementAndGet() > budget) {
            return "{\"error\":{\"code\":-32015,\"message\":\"tool-call budget spent\"}}";
        }
        long bytes = argumentsJson.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxArgumentBytes) {
            return oversized(tool, bytes);
        }
        seen.add(tool + " " + argumentsJson);
        if (tool.equals("test__echo") && argumentsJson.matches("\\{\"repeat\": ?\\d+}")) {
            int n = Integer.parseInt(argumentsJson.replaceAll("\\D", ""));
            return "{\"value\":\"" + "x".repeat(n) + "\"}";
        }
        return switch (tool) {
            case "test__echo", "test.echo", "test__get-sum", "other__echo", "other__ping" ->
                    "{\"value\":" + argumentsJson + "}";
            case "test__fail" -> "{\"error\":{\"code\":-32602,\"message\":\"it failed\"}}";
            case "secret__tool", "secret.tool" -> "{\"error\":{\"code\":-32003,\"message\":\"Authorization failed: tool "
                                                 + tool + " is not in the allowlist or does not exist\"}}";
            default -> "{\"error\":{\"code\":-32602,\"message\":\"Unknown tool: " + tool + "\"}}";
        };
    }

    /** As the gateway's bridge: on a thread of its own, waking an idle guest once the answer is there. */
    @Override
    public CompletableFuture<String> start(String tool, String argumentsJson) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread.ofVirtual().name("recording-call").start(() -> {
            try {
                answer.complete(call(tool, argumentsJson));
            } catch (RuntimeException e) {
                answer.complete("{\"error\":{\"code\":-32603,\"message\":\"" + e.getMessage() + "\"}}");
            } finally {
                answers.release();
            }
        });
        return answer;
    }

    @Override
    public void idle(long millis) {
        try {
            if (answers.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
                answers.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long maxArgumentBytes() {
        return maxArgumentBytes;
    }

    @Override
    public String manifestJson() {
        return """
                [{"name":"test__echo","namespace":"test","local":"echo","identifier":"echo"},
                 {"name":"test__fail","namespace":"test","local":"fail","identifier":"fail"},
                 {"name":"test__get-sum","namespace":"test","local":"get-sum","identifier":"get_sum"},
                 {"name":"other__echo","namespace":"other","local":"echo","identifier":"echo"},
                 {"name":"other__ping","namespace":"other","local":"ping","identifier":"ping"}]""";
    }

    /** The manifest's tools with a description and a schema each; {@code search} matches names and descriptions. */
    @Override
    public String discoverJson(String optionsJson) {
        List<String> all = List.of("test__echo", "test__fail", "test__get-sum", "other__echo", "other__ping");
        String search = optionsJson.contains("\"search\":\"sum\"") ? "sum" : "";
        String only = optionsJson.contains("\"package\":\"other\"") ? "other__" : "";
        return all.stream().filter(name -> name.contains(search) && name.startsWith(only))
                .map(name -> "{\"name\":\"" + name + "\",\"description\":\"The " + name + " tool\","
                             + "\"inputSchema\":{\"type\":\"object\"}}")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
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
