package dev.conduit.exec.graal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import dev.conduit.core.exec.GuestCalls;
import dev.conduit.core.exec.LiveHeap;
import dev.conduit.core.spi.NoTools;
import dev.conduit.core.spi.ToolBridge;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The tool bridge of a pooled context, pointed at one execution's {@link ToolBridge} (and memory claim) at a time: the
 * SDK is installed with these functions while the context is made ahead, so an execution only points them at its
 * bridge. Between executions (and after) they serve {@link NoTools}: an error for every call and an empty manifest.
 */
final class BridgeSwitch {
    private final AtomicReference<ToolBridge> target = new AtomicReference<>(NoTools.INSTANCE);
    private final AtomicReference<LiveHeap.Share> heap = new AtomicReference<>();
    private final AtomicReference<GuestCalls> calls = new AtomicReference<>(new GuestCalls(NoTools.INSTANCE));
    private final UnaryOperator<String> encode;

    /** {@code (tool, argumentsJson) -> outcome}, as {@link ToolBridge#call}, the outcome encoded for the guest. */
    final ProxyExecutable call;

    /**
     * {@code (tool, argumentsJson) -> number}: notes a call, begun when the program waits ({@link GuestCalls#start});
     * between executions every call is refused ({@link NoTools}).
     */
    final ProxyExecutable start;

    /**
     * {@code (alone) -> "<number> <answer JSON>" or null}: begins the calls noted, then the next call that answered
     * ({@link GuestCalls#answered}).
     */
    final ProxyExecutable answered;

    /**
     * {@code (alone) -> "<number> <answer>" lines or null}: as {@link #answered}, each answer encoded for the guest (for
     * Python, a literal; an encoded answer holds no line break either).
     */
    final ProxyExecutable answeredEncoded;

    /** {@code (millis) -> null}: waits for an answer or for so long, as {@link ToolBridge#idle}. */
    final ProxyExecutable waitForAnswer;

    /** {@code () -> manifest}, as {@link ToolBridge#manifestJson}, encoded for the guest. */
    final ProxyExecutable manifest;

    /** {@code (optionsJson) -> tools}, as {@link ToolBridge#discoverJson}, encoded for the guest. */
    final ProxyExecutable discover;

    /**
     * {@code (wanted) -> bytes}: what is left of the running program's memory limit for an allocation of {@code wanted}
     * bytes (none between executions).
     */
    final ProxyExecutable room;

    /**
     * {@code (bytes) -> token}: a token the guest ties to a buffer it just made, counting {@code bytes} against the
     * running program for as long as the buffer lives ({@link LiveHeap.Share#hold}); null between executions.
     */
    final ProxyExecutable hold;

    /** A switch that hands JSON to the guest as it is. */
    BridgeSwitch() {
        this(UnaryOperator.identity());
    }

    /** A switch that hands the guest {@code encode} of the JSON (for example as Python literals). */
    BridgeSwitch(UnaryOperator<String> encode) {
        this.encode = encode;
        this.call = args -> this.encode.apply(target.get().call(args[0].asString(), args[1].asString()));
        this.start = args -> calls.get().start(args[0].asString(), args[1].asString());
        this.answered = args -> calls.get().answered(args.length > 0 && args[0].isBoolean() && args[0].asBoolean());
        this.answeredEncoded = args -> encodeLines(calls.get().answered(args.length > 0 && args[0].isBoolean()
                                                                        && args[0].asBoolean()));
        this.waitForAnswer = args -> {
            idle(args.length > 0 && args[0].fitsInLong() ? Math.max(0, args[0].asLong()) : 0);
            return null;
        };
        this.manifest = args -> this.encode.apply(target.get().manifestJson());
        this.discover = args -> this.encode.apply(target.get().discoverJson(args[0].asString()));
        this.room = args -> {
            LiveHeap.Share share = heap.get();
            return share == null ? 0L : share.room(args.length > 0 && args[0].fitsInLong() ? args[0].asLong() : 0);
        };
        this.hold = args -> {
            LiveHeap.Share share = heap.get();
            if (share == null || args.length == 0 || !args[0].fitsInLong()) {
                return null;
            }
            // A fresh object each time: its reachability is the buffer's. A proxy, as guests may hold no other host
            // object; of an immutable map, so that a program that finds it can store nothing in it.
            ProxyObject token = ProxyObject.fromMap(Map.of());
            share.hold(token, args[0].asLong());
            return token;
        };
    }

    /** {@code "<number> <answer JSON>"} lines with each answer encoded for the guest; null stays null. */
    private String encodeLines(String lines) {
        if (lines == null) {
            return null;
        }
        StringBuilder encoded = new StringBuilder(lines.length() + 16);
        for (String line : lines.split("\n")) {
            int space = line.indexOf(' ');
            if (!encoded.isEmpty()) {
                encoded.append('\n');
            }
            encoded.append(line, 0, space + 1).append(encode.apply(line.substring(space + 1)));
        }
        return encoded.toString();
    }

    /** Waits for a guest's timer, as {@link ToolBridge#idle}: without the execution's turn to run guest code. */
    void idle(long millis) {
        target.get().idle(millis);
    }

    /** Points the functions at one execution's bridge and memory claim; {@code null, null} between executions. */
    void target(ToolBridge bridge, LiveHeap.Share heap) {
        ToolBridge serving = bridge == null ? NoTools.INSTANCE : bridge;
        target.set(serving);
        this.heap.set(heap);
        calls.set(new GuestCalls(serving));
    }
}
