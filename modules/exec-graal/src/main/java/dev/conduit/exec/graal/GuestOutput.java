package dev.conduit.exec.graal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stdout and stderr of one execution: bytes and lines counted together against the execution's limits. Past a
 * limit nothing more is kept and the execution is flagged, and the watchdog stops the guest. A pooled context writes
 * through a {@link Switch}, which points at the current execution's output.
 */
final class GuestOutput {
    private final long maxBytes;
    private final int maxLines;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private long bytes;
    private int lines;
    private volatile String exceeded;

    GuestOutput(long maxBytes, int maxLines) {
        this.maxBytes = maxBytes;
        this.maxLines = maxLines;
    }

    synchronized void write(boolean error, byte[] data, int offset, int length) {
        if (exceeded != null) {
            return;
        }
        long room = maxBytes - bytes;
        int kept = (int) Math.min(room, length);
        int lastLineEnd = 0;
        for (int i = offset; i < offset + kept; i++) {
            if (data[i] == '\n') {
                if (++lines > maxLines) {
                    // Keep whole entries only: what follows the last allowed newline is dropped.
                    kept = lastLineEnd;
                    exceeded = "log";
                    break;
                }
                lastLineEnd = i - offset + 1;
            }
        }
        (error ? err : out).write(data, offset, kept);
        bytes += kept;
        if (exceeded == null && kept < length) {
            exceeded = "output";
        }
    }

    /** {@code "output"} or {@code "log"} once a limit was crossed. */
    String exceeded() {
        return exceeded;
    }

    synchronized String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Appends the host's own text (a guest stack trace) to stderr, outside the limits. */
    synchronized void appendError(String text) {
        err.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The stream a pooled context writes to, pointed at one execution's output at a time. */
    static final class Switch extends OutputStream {
        private final boolean error;
        private final AtomicReference<GuestOutput> target = new AtomicReference<>();

        Switch(boolean error) {
            this.error = error;
        }

        void target(GuestOutput output) {
            target.set(output);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            GuestOutput output = target.get();
            if (output != null) {
                output.write(error, data, offset, length);
            }
        }
    }
}
