package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/** {@code bin/conduit --stdio} driven by the official MCP TypeScript SDK client through its stdio transport. */
class StdioIT {
    private static final Path EVERYTHING = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void sdkClientInitializesListsCallsAndExecutesOverStdio() throws Exception {
        Path config = dir.resolve("conduit.yaml");
        Files.writeString(config, RunningConduit.config(true) + """
                transports:
                  stdio:
                    key: it
                upstreams:
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                """.formatted(RunningConduit.NODE.toAbsolutePath(), EVERYTHING));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(120), "env",
                "JAVA_HOME=" + System.getProperty("java.home"), "CONDUIT_API_KEY=" + RunningConduit.API_KEY,
                "CONDUIT_LIMITED_KEY=" + RunningConduit.LIMITED_KEY, RunningConduit.NODE.toString(), "stdio-client.mjs",
                RunningConduit.DIST.resolve("bin/conduit").toAbsolutePath().toString(), config.toString());
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        assertThat(seen.at("/server/name").asString(), is("conduit"));
        List<String> tools = StreamSupport.stream(seen.get("tools").spliterator(), false).map(JsonNode::asString)
                .toList();
        assertThat(tools, hasItems("everything__echo", "execute_javascript", "conduit__search_tools"));
        assertThat(seen.at("/echo/content/0/text").asString(), is("Echo: over stdio"));
        assertThat(seen.at("/execute/structuredContent/result").asString(), is("Echo: from code"));
    }
}
