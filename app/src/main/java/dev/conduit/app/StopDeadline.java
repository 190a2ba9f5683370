package dev.conduit.app;

import java.time.Duration;

/**
 * The last resort of a stop: should the stop itself hang (a bug: a lock never given back, a step that outlives its
 * bound), the process ends anyway once {@code limit} has passed, so that a service manager, an orchestrator or a
 * desktop client that relaunches its server is not left with a process that will never exit. (Found when a lock-order
 * deadlock wedged a server: SIGTERM then left it running until SIGKILL.)
 */
final class StopDeadline {
    private StopDeadline() {
    }

    /**
     * Watches {@code stopping} on a daemon thread of its own: {@code overrun} runs if it has not ended after
     * {@code limit}.
     *
     * @return the watching thread (it ends with {@code stopping} or after {@code overrun})
     */
    static Thread watch(Thread stopping, Duration limit, Runnable overrun) {
        return Thread.ofPlatform().name("conduit-stop-deadline").daemon(true).start(() -> {
            try {
                if (!stopping.join(limit)) {
                    overrun.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** What an overrun does in the server: says where the stop is stuck, on stderr (logging may be gone), and halts. */
    static Runnable halt(Thread stopping, Duration limit) {
        return () -> {
            StringBuilder where = new StringBuilder();
            for (StackTraceElement frame : stopping.getStackTrace()) {
                where.append("\n\tat ").append(frame);
            }
            System.err.println("conduit: the stop did not end within " + limit.toSeconds()
                               + " s; halting (exit code 1). The stop was at:" + where);
            System.err.flush();
            Runtime.getRuntime().halt(1);
        };
    }
}
