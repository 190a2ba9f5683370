package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The official MCP conformance suite (npm @modelcontextprotocol/conformance 0.1.16, on Node 22) against the booted
 * distribution: every scenario of the active server suite, with a baseline of expected failures that names each known
 * gap and its reason. The suite sends no credentials, so this instance runs with authentication off on loopback.
 */
class ConformanceIT {
    private static final Path SUITE = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/conformance/dist/index.js");
    private static final Path BASELINE = RunningConduit.INTEROP.resolve("conformance-expected-failures.yaml");

    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, RunningConduit.config(false));
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    /**
     * The whole active server suite, with the expected-failures baseline in {@code interop/}: the suite itself fails
     * the run on a failure the baseline does not list (a new gap) and on a listed scenario that passes (a stale entry).
     */
    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void theWholeServerSuiteFailsOnlyWhereTheBaselineSaysWhy() throws Exception {
        Path out = Files.createDirectories(dir.resolve("suite"));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(300), RunningConduit.NODE.toString(),
                SUITE.toString(), "server", "--url", conduit.mcpUrl(), "--expected-failures",
                BASELINE.toAbsolutePath().toString(), "-o", out.toString());
        assertThat(run.output(), run.exitCode(), is(0));
        assertThat(run.output(), containsString("Baseline check passed"));

        int passed = 0;
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(path -> path.getFileName().toString().equals("checks.json")).toList()) {
                for (JsonNode check : Json.mapper().readTree(file.toFile())) {
                    passed += check.get("status").asString().equals("SUCCESS") ? 1 : 0;
                }
            }
        }
        // The scenarios a gateway without the suite's fixtures can pass: initialize, ping, logging, lists, SSE
        // streams, DNS rebinding.
        assertThat(run.output(), passed, greaterThan(8));
    }
}
