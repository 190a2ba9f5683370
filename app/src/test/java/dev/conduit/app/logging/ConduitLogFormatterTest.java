package dev.conduit.app.logging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** Events become fields, in text and in JSON, and nothing secret survives formatting, however it got in. */
class ConduitLogFormatterTest {

    private static LogRecord event() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", "request");
        fields.put("correlationId", "9f3c2a1b7d6e5f40");
        fields.put("principal", "local");
        fields.put("method", "tools/call");
        fields.put("outcome", "ok");
        fields.put("durationMs", 1.25);
        fields.put("headers", Map.of("Authorization", "Bearer abcdefghijklmnop"));
        LogRecord record = new LogRecord(Level.INFO, "request");
        record.setLoggerName("dev.conduit.events");
        record.setParameters(new Object[] {fields});
        return record;
    }

    /** The time is the record's, to the millisecond, in the system's zone, however many lines share a second. */
    @Test
    void timeIsTheRecordsToTheMillisecond() {
        java.time.format.DateTimeFormatter expected = java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(java.time.ZoneId.systemDefault());
        java.time.Instant base = java.time.Instant.parse("2026-11-26T01:02:03Z");
        for (long millis : new long[] {0, 7, 45, 999, 1000, 1001, 61_010, 3_600_000, 86_400_123}) {
            java.time.Instant instant = base.plusMillis(millis);
            assertThat(ConduitLogFormatter.time(instant), is(expected.format(instant)));
            assertThat(ConduitLogFormatter.time(instant.plusNanos(999_999)), is(expected.format(instant)));
        }
    }

    @Test
    void textWritesAnEventAsKeyValuePairs() {
        String line = new ConduitLogFormatter(false).format(event());
        assertThat(line, containsString(" INFO dev.conduit.events: request correlationId=9f3c2a1b7d6e5f40 "
                                        + "principal=local method=tools/call outcome=ok durationMs=1.25 "));
        assertThat(line, containsString("Authorization=[REDACTED]"));
        assertThat(line, not(containsString("abcdefghijklmnop")));
        assertThat(line, endsWith(System.lineSeparator()));
    }

    @Test
    void jsonWritesAnEventAsMembers() {
        JsonNode line = Json.mapper().readTree(new ConduitLogFormatter(true).format(event()));
        assertThat(line.get("level").asString(), is("INFO"));
        assertThat(line.get("message").asString(), is("request"));
        assertThat(line.get("event").asString(), is("request"));
        assertThat(line.get("correlationId").asString(), is("9f3c2a1b7d6e5f40"));
        assertThat(line.get("durationMs").asDouble(), is(1.25));
        assertThat(line.at("/headers/Authorization").asString(), is("[REDACTED]"));
    }

    @Test
    void messagesParametersAndStacksAreRedacted() {
        LogRecord record = new LogRecord(Level.WARNING, "upstream refused {0}");
        record.setLoggerName("dev.conduit.gateway");
        record.setParameters(new Object[] {"Authorization: Bearer abcdefghijklmnop"});
        record.setThrown(new IllegalStateException("token endpoint said {\"access_token\":\"xyz987654\"}"));
        for (boolean json : List.of(false, true)) {
            String line = new ConduitLogFormatter(json).format(record);
            assertThat(line, not(containsString("abcdefghijklmnop")));
            assertThat(line, not(containsString("xyz987654")));
            assertThat(line, containsString("IllegalStateException"));
        }
    }

    /**
     * An audit record reaches the log as the trail made it, unredacted (AuditTrail leaves the log sink's redaction to
     * this formatter): its arguments, a JSON tree, are redacted at every depth, in both formats.
     */
    @Test
    void anAuditRecordsArgumentsAreRedactedHereAtEveryDepth() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", "2026-12-04T07:00:00Z");
        fields.put("event", "tool_call");
        fields.put("tool", "db__query");
        var arguments = Json.object().put("api_key", "k-AbCdEf1234567");
        arguments.putObject("connection").put("url", "postgres://admin:hunter22@db.internal/app");
        arguments.putArray("headers").add("Authorization: Bearer abcdefghijklmnop");
        fields.put("arguments", arguments);
        fields.put("allowlist", List.of("db.*"));
        LogRecord record = new LogRecord(Level.INFO, "audit");
        record.setLoggerName("dev.conduit.audit");
        record.setParameters(new Object[] {fields});
        for (boolean json : List.of(false, true)) {
            String line = new ConduitLogFormatter(json).format(record);
            assertThat(line, not(containsString("k-AbCdEf1234567")));
            assertThat(line, not(containsString("hunter22")));
            assertThat(line, not(containsString("abcdefghijklmnop")));
            assertThat(line, containsString("db__query"));
            assertThat(line, containsString("db.internal"));
            // Its kind stays: an event line's "event" repeats its message and is dropped, an audit record's is not.
            assertThat(line, containsString(json ? "\"event\":\"tool_call\"" : " event=tool_call "));
        }
    }
}
