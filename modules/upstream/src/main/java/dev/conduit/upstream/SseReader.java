package dev.conduit.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.conduit.core.io.BoundedLineReader;

/**
 * Reads a Server-Sent Events stream with bounded lines and events. Multi-line {@code data:} fields are joined with
 * newlines as the SSE spec says; comments and unknown fields are skipped; the last event id and the server's
 * {@code retry} delay are kept, for resuming a stream the server closed early.
 */
final class SseReader {
    private static final long MAX_RETRY_MILLIS = 5_000;

    private SseReader() {
    }

    /**
     * Where a stream stopped: the id of its last event that had one, and how long the server asked a client to wait
     * before it reconnects (at most 5 s is honoured).
     */
    record Position(Optional<String> lastEventId, Duration retry) {
    }

    /**
     * Hands every {@code message} event's data to {@code messages} until the stream ends or {@code stop} holds.
     */
    static Position read(InputStream body, int maxEventBytes, Consumer<byte[]> messages, BooleanSupplier stop)
            throws IOException {
        return read(body, maxEventBytes, (event, data) -> {
            if (event.equals("message")) {
                messages.accept(data);
            }
        }, stop);
    }

    /** Hands every event (its type, {@code message} by default, and data) to {@code events}. */
    static Position read(InputStream body, int maxEventBytes, BiConsumer<String, byte[]> events, BooleanSupplier stop)
            throws IOException {
        BoundedLineReader lines = new BoundedLineReader(body, maxEventBytes);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        String event = "message";
        Optional<String> lastEventId = Optional.empty();
        Duration retry = Duration.ZERO;
        Optional<byte[]> line;
        while (!stop.getAsBoolean() && (line = lines.readLine()).isPresent()) {
            String text = new String(line.get(), StandardCharsets.UTF_8);
            if (text.startsWith("id:")) {
                String id = text.substring(3).strip();
                lastEventId = id.isEmpty() ? Optional.empty() : Optional.of(id);
            } else if (text.startsWith("retry:")) {
                retry = retry(text.substring(6).strip(), retry);
            } else if (text.isEmpty()) {
                if (data.size() > 0) {
                    events.accept(event, data.toByteArray());
                }
                data.reset();
                event = "message";
            } else if (text.startsWith("data:")) {
                if (data.size() > 0) {
                    data.write('\n');
                }
                data.write(text.substring(text.startsWith("data: ") ? 6 : 5).getBytes(StandardCharsets.UTF_8));
                if (data.size() > maxEventBytes) {
                    throw new IOException("an event larger than " + maxEventBytes + " bytes");
                }
            } else if (text.startsWith("event:")) {
                event = text.substring(6).trim();
            }
        }
        if (!stop.getAsBoolean() && data.size() > 0) {
            events.accept(event, data.toByteArray());
        }
        return new Position(lastEventId, retry);
    }

    private static Duration retry(String value, Duration otherwise) {
        try {
            return Duration.ofMillis(Math.min(MAX_RETRY_MILLIS, Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException e) {
            return otherwise; // the SSE spec says to ignore a retry field that is not digits
        }
    }
}
