package dev.conduit.core.exec;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the engines' background warm-ups while the server starts: on a small machine they would take the cores the
 * start needs (measured on 2 cores: the MCP socket answered 0.5 s later with them running beside it). The server
 * holds the gate before it builds the engines and opens it once it listens; open unless held, so engines made
 * elsewhere (tests, embedding) warm up at once.
 */
public final class WarmUpGate {
    /** Bounds the hold, should a server never open it. */
    private static final long LONGEST_HOLD_SECONDS = 30;
    private static volatile CountDownLatch gate = new CountDownLatch(0);

    private WarmUpGate() {
    }

    /** Holds warm-ups that have not started until {@link #open()}. */
    public static void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets the warm-ups go. */
    public static void open() {
        gate.countDown();
    }

    /** Called by a warm-up before its work: waits while the gate is held. */
    public static void pass() {
        try {
            gate.await(LONGEST_HOLD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
