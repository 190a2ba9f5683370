package dev.conduit.app.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

import dev.conduit.core.Stamps;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.log.Redactor;
import tools.jackson.databind.node.ObjectNode;

/**
 * Conduit's log lines, one per record, every part passed through {@link Redactor}: readable text by default
 * ({@code 2026-11-26T01:02:03.456 INFO dev.conduit.events: request correlationId=... method=tools/call outcome=ok}),
 * or one JSON object per line with {@code format=json} ({@code dev.conduit.app.logging.ConduitLogFormatter.format}
 * in logging.properties, or the environment variable {@code CONDUIT_LOG_FORMAT}). A record whose only parameter is a
 * map is an event: the map's entries become fields ({@code key=value} in text, members in JSON).
 */
public final class ConduitLogFormatter extends Formatter {

    private final boolean json;

    /** Called by java.util.logging; reads its format from the log manager and the environment. */
    public ConduitLogFormatter() {
        this(json(System.getenv("CONDUIT_LOG_FORMAT"),
                  LogManager.getLogManager().getProperty(ConduitLogFormatter.class.getName() + ".format")));
    }

    ConduitLogFormatter(boolean json) {
        this.json = json;
    }

    private static boolean json(String environment, String property) {
        String chosen = environment != null && !environment.isBlank() ? environment : property;
        return chosen != null && chosen.trim().toLowerCase(Locale.ROOT).equals("json");
    }

    @Override
    public String format(LogRecord record) {
        Map<?, ?> fields = fields(record);
        String message = Redactor.redact(fields != null ? record.getMessage() : formatMessage(record));
        Object redactedFields = fields == null ? null : Redactor.redactValue(fields);
        String error = record.getThrown() == null ? null : Redactor.redact(stack(record.getThrown()));
        return json ? json(record, message, redactedFields, error) : text(record, message, redactedFields, error);
    }

    private static Map<?, ?> fields(LogRecord record) {
        Object[] parameters = record.getParameters();
        return parameters != null && parameters.length == 1 && parameters[0] instanceof Map<?, ?> map ? map : null;
    }

    private static String text(LogRecord record, String message, Object fields, String error) {
        StringBuilder line = new StringBuilder(160).append(time(record.getInstant())).append(' ')
                .append(record.getLevel().getName()).append(' ').append(record.getLoggerName()).append(": ")
                .append(message);
        if (fields instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                // An event line's message is its event already; an audit record's is "audit", so its event stays.
                if (!"event".equals(key) || !message.equals(value)) {
                    line.append(' ').append(key).append('=').append(value);
                }
            });
        }
        if (error != null) {
            line.append(System.lineSeparator()).append(error.stripTrailing());
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** {@code 2026-11-26T01:02:03.456} in the system's time zone. */
    static String time(Instant instant) {
        return Stamps.local().format(instant);
    }

    private static String json(LogRecord record, String message, Object fields, String error) {
        ObjectNode line = Json.object();
        line.put("time", Stamps.utc().format(record.getInstant()));
        line.put("level", record.getLevel().getName());
        line.put("logger", record.getLoggerName());
        line.put("message", message);
        if (fields instanceof Map<?, ?> map) {
            map.forEach((key, value) -> line.set(String.valueOf(key), Json.mapper().valueToTree(value)));
        }
        if (error != null) {
            line.put("error", error);
        }
        return line + System.lineSeparator();
    }

    private static String stack(Throwable thrown) {
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
