package dev.conduit.core.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;

/**
 * The stdout and stderr of one execution: bytes and lines counted together against the execution's limits. Past a
 * limit nothing more is kept and the execution is flagged, and the engine stops the guest. Shared by every engine so
 * that all count output alike.
 */
public final class GuestOutput {
    private final long maxBytes;
    private final int maxLines;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private long bytes;
    private int lines;
    private volatile ExecutionOutcome.Limit exceeded;

    public GuestOutput(long maxBytes, int maxLines) {
        this.maxBytes = maxBytes;
        this.maxLines = maxLines;
    }

    public synchronized void write(boolean error, byte[] data, int offset, int length) {
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
                    exceeded = ExecutionOutcome.Limit.LOG_ENTRIES;
                    break;
                }
                lastLineEnd = i - offset + 1;
            }
        }
        (error ? err : out).write(data, offset, kept);
        bytes += kept;
        if (exceeded == null && kept < length) {
            exceeded = ExecutionOutcome.Limit.OUTPUT;
        }
    }

    /** {@link ExecutionOutcome.Limit#OUTPUT} or {@link ExecutionOutcome.Limit#LOG_ENTRIES} once one was crossed. */
    public Optional<ExecutionOutcome.Limit> exceeded() {
        return Optional.ofNullable(exceeded);
    }

    public synchronized String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public synchronized String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Appends the host's own text (a guest stack trace) to stderr, outside the limits. */
    public synchronized void appendError(String text) {
        err.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The outcome of a guest stopped by {@code limit}, with what it wrote until then. */
    public ExecutionOutcome.LimitExceeded stoppedBy(ExecutionOutcome.Limit limit) {
        return new ExecutionOutcome.LimitExceeded(limit, stdout(), stderr(), limit.message());
    }


    /** A program over its code-size limit is refused before any engine sees it; otherwise empty. */
    public static Optional<ExecutionOutcome> refuseOversized(ExecutionRequest request) {
        int limit = request.limits().codeBytes();
        if (request.code().length() <= limit / 3 || request.code().getBytes(StandardCharsets.UTF_8).length <= limit) {
            return Optional.empty();
        }
        return Optional.of(new ExecutionOutcome.LimitExceeded(ExecutionOutcome.Limit.CODE_SIZE, "", "",
                                                              "The program is larger than " + limit + " bytes"));
    }
}
