package dev.conduit.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.log.Redactor;
import dev.conduit.policy.AuditSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

/** The JSON-lines sink: rotation by size, the number of files kept, code only when asked, secrets never. */
class AuditTrailTest {
    @TempDir
    Path dir;

    @Test
    void theFileRotatesBySizeAndKeepsAsManyAsConfigured() throws Exception {
        Path file = dir.resolve("audit/audit.jsonl");
        AuditTrail audit = new AuditTrail(new AuditSettings(Optional.of(file), 4096, 2, false, false));
        for (int i = 0; i < 60; i++) {
            audit.toolCall(TestSession.context(List.of("*")), "everything__echo", Json.object().put("n", i), "ok", i,
                           10);
        }
        assertThat(Files.exists(file), is(true));
        assertThat(Files.exists(dir.resolve("audit/audit.jsonl.1")), is(true));
        assertThat(Files.exists(dir.resolve("audit/audit.jsonl.2")), is(true));
        assertThat(Files.exists(dir.resolve("audit/audit.jsonl.3")), is(false));
        for (String name : List.of("audit.jsonl", "audit.jsonl.1", "audit.jsonl.2")) {
            Path part = dir.resolve("audit").resolve(name);
            assertThat(Files.size(part), lessThanOrEqualTo(4096L));
            for (String line : Files.readAllLines(part)) {
                JsonNode record = Json.mapper().readTree(line);
                assertThat(record.path("event").asString(), is("tool_call"));
                assertThat(record.has("arguments"), is(false));
            }
        }
        // The newest record is in the live file.
        List<String> live = Files.readAllLines(file);
        assertThat(Json.mapper().readTree(live.getLast()).path("durationMs").asInt(), is(59));
    }

    @Test
    void codeOnlyWhenConfiguredAndNeverASecret() throws Exception {
        Redactor.register("audit-test-secret-0042");
        Path file = dir.resolve("a.jsonl");
        AuditTrail withCode = new AuditTrail(new AuditSettings(Optional.of(file), 1 << 20, 1, true, false));
        withCode.execution(TestSession.context(List.of("*")), "rhino", "javascript",
                           "const key = 'audit-test-secret-0042'; 1", List.of("*"), Json.array(), "ok", Optional.empty(), 3, 1);
        AuditTrail hashOnly = new AuditTrail(new AuditSettings(Optional.of(file), 1 << 20, 1, false, false));
        hashOnly.execution(TestSession.context(List.of("*")), "rhino", "javascript", "1 + 1", List.of("*"),
                           Json.array(), "ok", Optional.empty(), 3, 1);
        List<String> lines = Files.readAllLines(file);
        JsonNode first = Json.mapper().readTree(lines.get(0));
        JsonNode second = Json.mapper().readTree(lines.get(1));
        assertThat(first.path("code").asString(), containsString("[REDACTED]"));
        assertThat(second.has("code"), is(false));
        // sha256("1 + 1")
        assertThat(second.path("codeSha256").asString(),
                   is(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                                       .digest("1 + 1".getBytes(StandardCharsets.UTF_8)))));
        assertThat(Files.readString(file), not(containsString("audit-test-secret-0042")));
    }
}
