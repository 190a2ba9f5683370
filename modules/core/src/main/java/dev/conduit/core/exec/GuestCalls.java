package dev.conduit.core.exec;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conduit.core.spi.ToolBridge;

/**
 * One program's tool calls, on an in-process engine's side. A call the program makes is numbered and noted; once
 * the program's synchronous run ends (the SDK's microtask) or at the engine's next step, what was noted begins:
 * calls that can overlap each on a thread of its own ({@link ToolBridge#start}), so the calls of {@code Promise.all}
 * are in flight together, but a call made alone, with nothing else the program could wait for, on the guest's own
 * thread ({@link ToolBridge#call}), which keeps the most common program (calls awaited one after another) as cheap as
 * when every call was made that way: no thread hand-off, no step out of the engine. Answers are queued
 * until the guest's thread, the only one that may touch the guest, hands each to the promise waiting for it; they
 * cross as text, a line {@code "<number> <answer JSON>"} each, so no host object enters the guest.
 * <p>
 * {@link #start} and {@link #answered} are called on the guest's thread only; answers arrive from any thread.
 */
public final class GuestCalls {
    private final ToolBridge bridge;
    private long numbers;
    private final Queue<Asked> asked = new ArrayDeque<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Queue<String> answered = new ConcurrentLinkedQueue<>();

    private record Asked(long number, String tool, String argumentsJson) {
    }

    /** The calls of the execution that {@code bridge} serves. */
    public GuestCalls(ToolBridge bridge) {
        this.bridge = bridge;
    }

    /** Notes a call of {@code tool}, begun the next time the program waits; its number, which its answer carries. */
    public long start(String tool, String argumentsJson) {
        long number = ++numbers;
        asked.add(new Asked(number, tool, argumentsJson));
        return number;
    }

    /**
     * Begins the calls noted since the last time, then answers the calls that have answered since, one line each,
     * {@code "<number> <answer JSON>"} (compact JSON holds no line break), or null when none has: one crossing into
     * the host per step however many answered.
     *
     * @param hereIfAlone whether the program has nothing else to wait for (no timer): then a call noted alone, with
     *                    no other out, is made here, on the guest's thread, and answered before this returns
     */
    public String answered(boolean hereIfAlone) {
        if (!asked.isEmpty()) {
            begin(hereIfAlone);
        }
        String first = answered.poll();
        if (first == null) {
            return null;
        }
        StringBuilder lines = new StringBuilder(first);
        for (String next = answered.poll(); next != null; next = answered.poll()) {
            lines.append('\n').append(next);
        }
        return lines.toString();
    }

    private void begin(boolean hereIfAlone) {
        if (hereIfAlone && asked.size() == 1 && inFlight.get() == 0) {
            Asked alone = asked.remove();
            answered.add(alone.number() + " " + bridge.call(alone.tool(), alone.argumentsJson()));
            return;
        }
        for (Asked call = asked.poll(); call != null; call = asked.poll()) {
            long number = call.number();
            inFlight.incrementAndGet();
            // Queued before the bridge wakes an idle guest (ToolBridge.start's contract), so no answer waits a slice.
            bridge.start(call.tool(), call.argumentsJson()).whenComplete((answer, failure) -> {
                inFlight.decrementAndGet();
                answered.add(number + " " + (answer != null ? answer : FAILED));
            });
        }
    }

    /** What a call that failed in the host answers: a bridge's future never should. */
    private static final String FAILED = "{\"error\":{\"code\":-32603,\"message\":\"The tool call failed in the gateway\"}}";
}
