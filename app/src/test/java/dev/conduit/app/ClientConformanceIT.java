package dev.conduit.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * The gateway as an MCP client, seen by the official conformance suite (0.2.0-alpha.12 on Node 22): every client
 * scenario the suite lists, extensions included, once each at the newest revision it applies to, with
 * interop/conformance-client.mjs as the client under test. That script starts the distribution over stdio with the
 * scenario's mock server as its only upstream and drives it as a client would (lists, calls every tool, reads, answers
 * the upstream's questions); the suite checks what the gateway sent the mock: the 2026-07-28 envelope and headers,
 * {@code Mcp-Param-*} headers, tools with invalid {@code x-mcp-header} left out, multi round-trip state, JSON Schema
 * kept as it came, remote {@code $ref}s not fetched, SSE retry. The baseline
 * (interop/conformance-client-expected-failures.yaml) names what does not pass, and why: the OAuth authorization-code
 * scenarios, and one the gateway's argument validation stops on purpose.
 */
class ClientConformanceIT {
    private static final Path SUITE = RunningConduit.INTEROP.resolve("node_modules/conformance-2026/dist/index.js");
    private static final Path CLIENT = RunningConduit.INTEROP.resolve("conformance-client.mjs").toAbsolutePath();
    private static final Path BASELINE = RunningConduit.INTEROP.resolve("conformance-client-expected-failures.yaml");
    /** The suite's client scenarios when this was written. */
    private static final int SCENARIOS = 48;
    /** What passes of their checks with the gateway as the client (the scenarios that are not authorization's). */
    private static final int CHECKS = 69;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void everyClientScenarioPassesWithTheGatewayAsTheClientButForTheBaseline() throws Exception {
        RunningConduit.Result listed = RunningConduit.run(Duration.ofSeconds(60), RunningConduit.NODE.toString(),
                SUITE.toString(), "list", "--client");
        List<String> lines = listed.output().lines().map(String::strip).filter(line -> line.startsWith("- ")).toList();
        assertThat(listed.output(), lines.size(), greaterThanOrEqualTo(SCENARIOS));
        // The suite splits the command at spaces and appends the mock server's URL.
        String command = RunningConduit.NODE.toAbsolutePath() + " " + CLIENT + " " + RunningConduit.DIST.toAbsolutePath();
        for (String line : lines) {
            String scenario = line.substring(2, line.indexOf(' ', 2));
            RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(120), RunningConduit.NODE.toString(),
                    SUITE.toString(), "client", "--command", command, "--scenario", scenario, "--spec-version",
                    newestRevision(line), "--force", "--expected-failures", BASELINE.toAbsolutePath().toString(),
                    "-o", dir.toString());
            assertThat(scenario + ": " + run.output(), run.exitCode(), is(0));
        }
        assertThat(passed() + " checks passed", passed(), greaterThanOrEqualTo(CHECKS));
    }

    /** The newest revision a listed scenario ({@code name [revisions]}) applies to; an extension's, the newest. */
    private static String newestRevision(String line) {
        String tags = line.substring(line.indexOf('[') + 1, line.lastIndexOf(']'));
        if (tags.equals("extension")) {
            return "2026-07-28";
        }
        String[] revisions = tags.split(",");
        return revisions[revisions.length - 1].strip();
    }

    private int passed() throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(path -> path.getFileName().toString().equals("checks.json")).toList()) {
                for (JsonNode check : Json.mapper().readTree(file.toFile())) {
                    if (check.get("status").asString().equals("SUCCESS")) {
                        ids.add(check.get("id").asString());
                    }
                }
            }
        }
        return ids.size();
    }
}
