package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;

/**
 * One client's programs cannot starve another's: with default executor settings, another key's trivial program is
 * served while CPU bombs run on GraalJS or in Deno, and programs waiting on tool calls run side by side.
 */
class StarvationIT {
    private static final String OTHER_KEY = "it-other-client-0123456789ab";

    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, Map.of("OTHER_KEY", OTHER_KEY),
                RunningConduit.configWithEverything().replace("upstreams:", """
                    - id: other
                      secret: ${OTHER_KEY}
                upstreams:"""));
        for (String engine : List.of("graaljs ready", "deno ready")) {
            assertThat(conduit.log(), conduit.awaitLog(engine, Duration.ofSeconds(120)), is(true));
        }
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void anotherClientIsServedWhileGraalJsBombsRun() throws Exception {
        assertOtherClientServedBeside("graaljs", "javascript", 8);
    }

    @Test
    void anotherClientIsServedWhileDenoBombsRun() throws Exception {
        assertOtherClientServedBeside("deno", "typescript", 8);
    }

    @Test
    void programsWaitingOnToolCallsRunSideBySide() throws Exception {
        // Eight programs from two keys that each wait 2 s on an upstream call, each with a 6 s wall limit that counts
        // its time in the queue: with one thread per core (wave 1) they ran two at a time and the last four timed out.
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        McpHttpClient other = new McpHttpClient(conduit, OTHER_KEY);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> waiting = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                McpHttpClient who = i % 2 == 0 ? client : other;
                waiting.add(clients.submit(() -> who.post(execute("javascript", null, """
                        await tools.$raw('everything__trigger-long-running-operation', {duration: 2, steps: 2});
                        return 'waited';""", 6_000))));
            }
            long started = System.nanoTime();
            for (Future<JsonNode> program : waiting) {
                JsonNode answer = program.get(60, TimeUnit.SECONDS);
                assertThat(answer.toString(), answer.at("/result/structuredContent/result").asString(), is("waited"));
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println("8 programs each waiting on tool calls for 2 s finished in " + tookMillis + " ms");
        }
    }

    private static void assertOtherClientServedBeside(String engine, String language, int bombs) throws Exception {
        McpHttpClient bomber = new McpHttpClient(conduit, RunningConduit.API_KEY);
        McpHttpClient other = new McpHttpClient(conduit, OTHER_KEY);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> running = new ArrayList<>();
            for (int i = 0; i < bombs; i++) {
                running.add(clients.submit(() -> bomber.post(execute(language, engine, "for (;;) {}", 8_000))));
            }
            long asked = System.nanoTime();
            JsonNode answer = other.post(execute("javascript", "rhino", "return 1 + 1", 5_000));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
            assertThat(answer.toString(), answer.at("/result/structuredContent/result").asInt(), is(2));
            System.out.printf("rhino 1+1 beside %d %s bombs: %d ms%n", bombs, engine, tookMillis);
            for (Future<JsonNode> bomb : running) {
                JsonNode stopped = bomb.get(60, TimeUnit.SECONDS);
                assertThat(stopped + "\n" + conduit.log(), stopped.at("/error/code").asInt(),
                           anyOf(is(-32008), is(-32009)));
            }
        }
    }

    private static String execute(String language, String engine, String code, int timeoutMs) {
        ObjectNode extra = Json.object();
        if (engine != null) {
            extra.put("engine", engine);
        }
        extra.putObject("limits").put("timeoutMs", timeoutMs).put("cpuTimeMs", timeoutMs);
        return McpHttpClient.executeRequest(1, language, code, extra);
    }
}
