package dev.conduit.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads newline-terminated lines of at most a given size, so that a peer that never sends a newline cannot make
 * Conduit buffer without bound. Not thread-safe: one reader thread per stream.
 */
public final class BoundedLineReader {
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

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
                throw new LineTooLongException(maxLineBytes);
            }
            if (position < limit) {
                position++;
                byte[] bytes = line.toByteArray();
                int length = bytes.length;
                if (length > 0 && bytes[length - 1] == '\r') {
                    return Optional.of(java.util.Arrays.copyOf(bytes, length - 1));
                }
                return Optional.of(bytes);
            }
        }
    }

    /** A line longer than the limit. */
    public static final class LineTooLongException extends IOException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        LineTooLongException(int max) {
            super("a message longer than " + max + " bytes");
        }
    }
}
