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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The official MCP conformance suite (npm @modelcontextprotocol/conformance 0.1.16, on Node 22) against the booted
 * distribution, for the scenarios that do not depend on the suite's fixture tool names. The suite sends no
 * credentials, so this instance runs with authentication off on loopback.
 */
class ConformanceIT {
    private static final Path SUITE = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/conformance/dist/index.js");

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

    @ParameterizedTest
    @ValueSource(strings = {"server-initialize", "ping", "logging-set-level", "tools-list",
            "server-sse-multiple-streams", "dns-rebinding-protection"})
    void scenarioPasses(String scenario) throws Exception {
        Path out = Files.createDirectories(dir.resolve(scenario));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(120), RunningConduit.NODE.toString(),
                SUITE.toString(), "server", "--url", conduit.mcpUrl(), "--scenario", scenario, "-o", out.toString());
        assertThat(run.output(), run.exitCode(), is(0));

        List<String> failures = new ArrayList<>();
        int passed = 0;
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(path -> path.getFileName().toString().equals("checks.json")).toList()) {
                for (JsonNode check : Json.mapper().readTree(file.toFile())) {
                    String status = check.get("status").asString();
                    if (status.equals("FAILURE") || status.equals("WARNING")) {
                        failures.add(check.get("id").asString() + ": " + check.path("errorMessage").asString());
                    }
                    if (status.equals("SUCCESS")) {
                        passed++;
                    }
                }
            }
        }
        assertThat(run.output(), failures, is(empty()));
        assertThat(run.output(), passed, greaterThan(0));
    }
}
