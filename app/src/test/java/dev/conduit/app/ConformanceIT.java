package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * The official MCP conformance suite (npm @modelcontextprotocol/conformance 0.1.16, on Node 22) against the booted
 * distribution: every server scenario (active and pending), run through the gateway to an upstream of our own that
 * offers the suite's fixtures, with a baseline of expected failures that names each known gap and its reason. The
 * suite sends no credentials, so this instance runs with authentication off on loopback.
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
        // The suite's fixtures come from an upstream of our own, published under their own names: the scenarios run
        // THROUGH the gateway (tools, resources, prompts, completion, logging, progress, sampling, elicitation).
        conduit = RunningConduit.start(dir, RunningConduit.config(false) + """
                upstreams:
                  - id: fixture
                    namespace: ""
                    command: %s
                    args: [%s]
                """.formatted(RunningConduit.NODE.toAbsolutePath(),
                              RunningConduit.INTEROP.resolve("conformance-fixture.mjs").toAbsolutePath()));
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
                SUITE.toString(), "server", "--suite", "all", "--url", conduit.mcpUrl(), "--expected-failures",
                BASELINE.toAbsolutePath().toString(), "-o", out.toString());
        assertThat(run.output(), run.exitCode(), is(0));
        assertThat(run.output(), containsString("Baseline check passed"));

        int passed = 0;
        List<String> failed = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(path -> path.getFileName().toString().equals("checks.json")).toList()) {
                for (JsonNode check : Json.mapper().readTree(file.toFile())) {
                    String status = check.get("status").asString();
                    passed += status.equals("SUCCESS") ? 1 : 0;
                    if (status.equals("FAILURE")) {
                        failed.add(check.get("id").asString());
                    }
                }
            }
        }
        // 0.1.16 has 32 server scenarios with 43 checks; with the fixture upstream every one passes through the gateway.
        assertThat(failed.toString(), failed, empty());
        assertThat(run.output(), passed, greaterThanOrEqualTo(43));
    }
}
