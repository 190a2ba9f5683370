package dev.conduit.exec.graal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

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

    /** {@code (tool, argumentsJson) -> outcome}, as {@link ToolBridge#call}. */
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

    /** {@code (millis) -> null}: waits for an answer or for so long, as {@link ToolBridge#idle}. */
    final ProxyExecutable waitForAnswer;

    /** {@code () -> manifest}, as {@link ToolBridge#manifestJson}. */
    final ProxyExecutable manifest;

    /** {@code (optionsJson) -> tools}, as {@link ToolBridge#discoverJson}. */
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

    /** A switch serving {@link NoTools} until an execution points it at its bridge. */
    BridgeSwitch() {
        this.call = args -> target.get().call(args[0].asString(), args[1].asString());
        this.start = args -> calls.get().start(args[0].asString(), args[1].asString());
        this.answered = args -> calls.get().answered(args.length > 0 && args[0].isBoolean() && args[0].asBoolean());
        this.waitForAnswer = args -> {
            idle(args.length > 0 && args[0].fitsInLong() ? Math.max(0, args[0].asLong()) : 0);
            return null;
        };
        this.manifest = args -> target.get().manifestJson();
        this.discover = args -> target.get().discoverJson(args[0].asString());
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
