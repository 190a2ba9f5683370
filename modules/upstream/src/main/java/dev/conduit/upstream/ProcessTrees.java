package dev.conduit.upstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Ends a process and all its descendants: SIGTERM, a grace period, then SIGKILL for whatever is left. */
final class ProcessTrees {
    private ProcessTrees() {
    }

    static void end(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = Stream.concat(root.descendants(), Stream.of(root)).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : tree) {
            long remaining = deadline - System.nanoTime();
            try {
                if (remaining > 0) {
                    process.onExit().get(remaining, TimeUnit.NANOSECONDS);
                }
            } catch (Exception e) {
                // Still alive after the grace period, or interrupted: killed below either way.
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
