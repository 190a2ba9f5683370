package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * The official TypeScript SDK v2 client (2.4.0) talks to the gateway in the modern era (2026-07-28), over Streamable
 * HTTP and over stdio, both pinned to that revision and in 'auto' mode (which probes server/discover and would fall
 * back to initialize if the gateway did not answer it as a modern server): it lists, calls an upstream tool, runs a
 * program that calls one, and answers the upstream's elicitation and sampling, which reach it as input_required
 * round trips (Multi Round-Trip Requests).
 */
class ModernClientIT {
    @TempDir
    Path dir;

    @Test
    void theSdkV2ClientStaysModernOverHttp() throws Exception {
        try (RunningConduit conduit = RunningConduit.start(dir, RunningConduit.configWithEverything())) {
            check(RunningConduit.run(RunningConduit.patient(Duration.ofSeconds(90)), RunningConduit.NODE.toString(),
                    "modern-client.mjs", "http", conduit.mcpUrl(), RunningConduit.API_KEY));
        }
    }

    @Test
    void theSdkV2ClientStaysModernOverStdio() throws Exception {
        Path launcher = StdioIT.stdioLauncher(dir);
        check(RunningConduit.run(RunningConduit.patient(Duration.ofSeconds(150)), RunningConduit.NODE.toString(),
                "modern-client.mjs", "stdio", launcher.toString()));
    }

    private static void check(RunningConduit.Result run) {
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        for (String mode : new String[] {"pinned", "auto"}) {
            JsonNode session = seen.get(mode);
            assertThat(seen.toString(), session.get("era").asString(), is("modern"));
            assertThat(session.get("tools").toString(), session.get("tools").toString().contains("everything__echo"),
                       is(true));
            assertThat(session.get("echo").asString(), is("Echo: modern"));
            assertThat(session.toString(), session.at("/program/result").asString(), is("Echo: from a program"));
            // The upstream's questions reached the client as input_required round trips, and its answers came back.
            assertThat(session.toString(), session.get("elicited").asInt(), is(1));
            assertThat(session.toString(), session.get("elicitation").asString(), containsString("Grace Hopper"));
            assertThat(session.toString(), session.get("sampled").asInt(), is(1));
            assertThat(session.toString(), session.get("sampling").asString(), containsString("sampled in rounds"));
        }
    }
}
