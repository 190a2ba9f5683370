package dev.conduit.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads newline-terminated lines of at most a given size, so that a peer that never sends a newline cannot make
 * Conduit buffer without bound. A line over the size can be read past ({@link #skipRest}), keeping only its first and
 * last bytes: enough to tell which request an oversized answer was for. Not thread-safe: one reader thread per stream.
 */
public final class BoundedLineReader {
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    /** How many bytes of the line being refused were read so far; 0 when none is. */
    private long refused;
    /** The last {@value #KEPT} bytes of it read so far. */
    private byte[] refusedTail;

    /** A reader of {@code in} refusing lines longer than {@code maxLineBytes}. */
    public BoundedLineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line without its terminator ({@code \n} or {@code \r\n}); empty at end of stream. */
    public Optional<byte[]> readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() == 0 ? Optional.empty() : Optional.of(line.toByteArray());
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            line.write(buffer, start, position - start);
            if (line.size() > maxLineBytes) {
                byte[] bytes = line.toByteArray();
                refused = bytes.length;
                refusedTail = Arrays.copyOfRange(bytes, Math.max(0, bytes.length - KEPT), bytes.length);
                throw new LineTooLongException(maxLineBytes, Arrays.copyOf(bytes, Math.min(bytes.length, KEPT)));
            }
            if (position < limit) {
                position++;
                byte[] bytes = line.toByteArray();
                int length = bytes.length;
                if (length > 0 && bytes[length - 1] == '\r') {
                    return Optional.of(Arrays.copyOf(bytes, length - 1));
                }
                return Optional.of(bytes);
            }
        }
    }

    /**
     * The next line, as {@link #readLine()}; a line over the limit goes to {@code oversized}, which reads past it
     * ({@link #skipRest}) and says whether to go on to the next line. Empty at the end of the stream, and when
     * {@code oversized} says to stop.
     */
    public Optional<byte[]> readLine(Oversized oversized) throws IOException {
        while (true) {
            try {
                return readLine();
            } catch (LineTooLongException e) {
                if (!oversized.passOver(this, e)) {
                    return Optional.empty();
                }
            }
        }
    }

    /** What a reader of lines does with one over the limit. */
    @FunctionalInterface
    public interface Oversized {
        /** Reads past the line ({@link #skipRest}) and answers whether to go on, or answers false to stop. */
        boolean passOver(BoundedLineReader reader, LineTooLongException tooLong) throws IOException;
    }

    /**
     * After a {@link LineTooLongException}: reads past the rest of that line, up to {@code maxLineBytes} in all, keeping
     * its last {@value #KEPT} bytes. Past that many bytes, or at the end of the stream, it stops where it is.
     */
    public Skipped skipRest(long maxLineBytes) throws IOException {
        if (refused == 0) {
            throw new IllegalStateException("no line is being refused");
        }
        byte[] tail = Arrays.copyOf(refusedTail, KEPT);
        int kept = refusedTail.length;
        long read = refused;
        refused = 0;
        while (read <= maxLineBytes) {
            if (position == limit) {
                limit = Math.max(0, in.read(buffer));
                position = 0;
                if (limit == 0) {
                    return new Skipped(last(tail, kept), read, false);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            kept = keep(tail, kept, start, position);
            read += position - start;
            if (position < limit) {
                position++;
                return new Skipped(last(tail, kept), read, true);
            }
        }
        return new Skipped(last(tail, kept), read, false);
    }

    /** Appends {@code buffer[from, to)} to {@code tail}, which holds {@code kept} bytes and keeps its last; how many now. */
    private int keep(byte[] tail, int kept, int from, int to) {
        int length = to - from;
        if (length >= KEPT) {
            System.arraycopy(buffer, to - KEPT, tail, 0, KEPT);
            return KEPT;
        }
        int overflow = Math.max(0, kept + length - KEPT);
        System.arraycopy(tail, overflow, tail, 0, kept - overflow);
        System.arraycopy(buffer, from, tail, kept - overflow, length);
        return kept - overflow + length;
    }

    private static byte[] last(byte[] tail, int kept) {
        int end = kept > 0 && tail[kept - 1] == '\r' ? kept - 1 : kept;
        return Arrays.copyOf(tail, end);
    }

    /** How many of an oversized line's first and last bytes are kept. */
    public static final int KEPT = 1024;

    /** The longest line its readers read past rather than ending the stream: 1 GiB. */
    public static final long READ_PAST_AT_MOST = 1L << 30;

    /**
     * The end of a line read past: its last bytes (at most {@value #KEPT}, without the terminator), how long it was
     * (as far as it was read), and whether its end was reached.
     */
    public record Skipped(byte[] tail, long lineBytes, boolean ended) {
    }

    /** A line longer than the limit, with its first bytes (at most {@value #KEPT}). */
    public static final class LineTooLongException extends IOException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        private final transient byte[] head;

        LineTooLongException(int max, byte[] head) {
            super("a message longer than " + max + " bytes");
            this.head = head;
        }

        /** The line's first bytes. */
        public byte[] head() {
            return head.clone();
        }
    }
}
