package dev.conduit.gateway;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.conduit.core.RequestContext;

/**
 * The one structured log line per request and per execution, on the logger {@code dev.conduit.events}: the fields go
 * to the log record as one map parameter, which Conduit's log formatter writes as {@code key=value} pairs (text) or as
 * JSON members. No program text, arguments or results are ever logged; values are ids, names and outcome words.
 */
final class EventLog {
    private static final System.Logger LOGGER = System.getLogger("dev.conduit.events");

    private EventLog() {
    }

    static void request(RequestContext context, String method, String outcome, Duration took) {
        if (LOGGER.isLoggable(Level.INFO)) {
            Map<String, Object> fields = base("request", context);
            fields.put("method", method);
            fields.put("outcome", outcome);
            fields.put("durationMs", millis(took));
            LOGGER.log(Level.INFO, "request", fields);
        }
    }

    static void execution(RequestContext context, String engine, String language, String outcome, Duration took,
                          int toolCalls) {
        if (LOGGER.isLoggable(Level.INFO)) {
            Map<String, Object> fields = base("execution", context);
            fields.put("engine", engine);
            fields.put("language", language);
            fields.put("outcome", outcome);
            fields.put("durationMs", millis(took));
            fields.put("toolCalls", toolCalls);
            LOGGER.log(Level.INFO, "execution", fields);
        }
    }

    private static Map<String, Object> base(String event, RequestContext context) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", event);
        fields.put("correlationId", context.correlationId());
        fields.put("principal", context.principal().id());
        fields.put("transport", context.session().transport());
        return fields;
    }

    private static double millis(Duration took) {
        return Math.round(took.toNanos() / 10_000.0) / 100.0;
    }
}
