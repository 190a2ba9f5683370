package dev.conduit.core.io;

/**
 * Where blocking reads of process pipes and files run: on platform threads, never on virtual ones.
 * <p>
 * A virtual thread blocked in {@code FileInputStream.read} (which is what a process pipe is) holds its carrier. The
 * scheduler adds a spare carrier when such a read starts, but the spare retires after 30 s idle while the reader
 * stays blocked; once as many readers wait as there are carriers, no virtual thread runs again and the whole server
 * (HTTP handlers, health, shutdown) stops. Every long-lived pipe reader therefore starts here.
 */
public final class PipeThreads {
    private PipeThreads() {
    }

    /** Starts {@code reader} on a new daemon platform thread named {@code name}. */
    public static Thread startReader(String name, Runnable reader) {
        return Thread.ofPlatform().name(name).daemon(true).start(reader);
    }
}
