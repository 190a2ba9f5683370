package dev.conduit.app;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * A program never computes differently by engine: a corpus of language features (block scoping and closures in
 * loops, destructuring, spread, classes, getters, generators, async iteration, optional chaining, template literals,
 * labelled breaks, try/finally with await, ...) runs on Deno, whose answers are the reference, then on GraalJS, which
 * must give the same answer, and on Rhino, which must give the same answer or refuse the program with a clear error.
 */
class EngineSemanticsIT {
    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static McpHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        // A server in a zone of its own: programs must still live in UTC, as Deno's do (they saw the server's zone).
        conduit = RunningConduit.start(dir, Map.of("TZ", "America/New_York"), RunningConduit.config(true));
        assertThat(conduit.log(), conduit.awaitLog("deno ready", Duration.ofSeconds(60)), is(true));
        client = new McpHttpClient(conduit, RunningConduit.API_KEY);
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    static Stream<Arguments> corpus() throws Exception {
        try (InputStream in = EngineSemanticsIT.class.getResourceAsStream("/semantics-corpus.json")) {
            JsonNode programs = Json.mapper().readTree(in);
            List<Arguments> rows = new ArrayList<>();
            for (Map.Entry<String, JsonNode> program : programs.properties()) {
                rows.add(Arguments.of(program.getKey(), program.getValue().asString()));
            }
            return rows.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyEngineComputesDenosAnswerOrRefuses(String name, String code) throws Exception {
        String reference = run("deno", "typescript", code);
        assertThat(name + " on deno", reference.startsWith("error"), is(false));
        assertThat(name + " on graaljs", run("graaljs", "javascript", code), is(reference));
        String rhino = run("rhino", "javascript", code);
        assertThat(name + " on rhino", rhino, anyOf(is(reference), startsWith("error SyntaxError"),
                                                    startsWith("error The rhino engine cannot run this program")));
    }

    /** Python's clocks are in UTC too, whatever the server's zone (GraalPy took the server's). */
    @Test
    void pythonLivesInUtc() throws Exception {
        String code = "import time, datetime\nprint(time.timezone, time.localtime(0).tm_hour, "
                      + "datetime.datetime.fromtimestamp(0).isoformat())";
        assertThat(run("graalpy", "python", code), is("0 0 1970-01-01T00:00:00\n"));
    }

    /** The program's output, or "error " and the first line of what it wrote to stderr. */
    private static String run(String engine, String language, String code) throws Exception {
        ObjectNode on = Json.object();
        on.put("engine", engine);
        JsonNode answer = client.execute(language, code, on);
        JsonNode result = answer.at("/result/structuredContent");
        if (!result.isObject()) {
            return "error " + answer.at("/error/message").asString(answer.toString());
        }
        if (result.get("exitCode").asInt() != 0) {
            return "error " + result.get("stderr").asString().lines().findFirst().orElse("");
        }
        return result.get("stdout").asString();
    }
}
