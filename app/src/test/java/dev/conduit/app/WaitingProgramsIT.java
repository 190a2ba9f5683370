package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import static org.hamcrest.Matchers.is;

/**
 * Programs that wait on tool calls give their turn to run guest code to others ({@code executors.running}): with two
 * turns, 48 programs that each wait 2 s on an upstream all finish within a 12 s wall limit that counts the time they
 * wait for a turn (holding turns while waiting, they would go two at a time: 48 s), and a program that computes
 * beside them is still stopped at its CPU limit. So do programs waiting on timers, and Python programs asleep.
 */
class WaitingProgramsIT {
    private static final int WAITING = 48;

    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, RunningConduit.configWithEverything() + """
                executors:
                  enabled: [graaljs, rhino, graalpy]
                  threads: 64
                  running: 2
                  per-key: 64
                """);
        assertThat(conduit.log(), conduit.awaitLog("graaljs ready", Duration.ofSeconds(120)), is(true));
        assertThat(conduit.log(), conduit.awaitLog("graalpy ready", Duration.ofSeconds(120)), is(true));
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void manyProgramsWaitOnToolCallsAtOnceWhileCpuLimitsHold() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> waiting = startWaiting(clients, client, """
                    await tools.$raw('everything__trigger-long-running-operation', {duration: 2, steps: 1});
                    return 'waited';""");
            Future<JsonNode> spinning = clients.submit(() -> client.execute("javascript", "while (true) {}",
                                                                             limits("graaljs", 12_000, 1_000)));
            allWaited(waiting);
            JsonNode spun = spinning.get(60, TimeUnit.SECONDS);
            assertThat(spun.toString(), spun.at("/error/code").asInt(), is(-32008));
        }
    }

    /**
     * The same for programs waiting on a timer (setTimeout, which the in-process engines run themselves): each sleeps
     * 2 s without its turn; holding it, 48 of them would take 48 s on two turns.
     */
    @Test
    void manyProgramsWaitOnTimersAtOnce() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            allWaited(startWaiting(clients, client, """
                    await new Promise((resolve) => setTimeout(resolve, 2000));
                    return 'waited';"""));
        }
    }

    /**
     * Python's time.sleep waits without the turn too (GraalPy's own held it, and spun on the CPU when asked for 0 s):
     * 24 programs asleep 2 s each would take 24 s on two turns.
     */
    @Test
    void manyPythonProgramsSleepAtOnce() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> waiting = new ArrayList<>();
            for (int i = 0; i < WAITING / 2; i++) {
                waiting.add(clients.submit(() -> client.execute("python", "import time\ntime.sleep(0)\ntime.sleep(2)\n'waited'",
                                                                limits("graalpy", 12_000, 12_000))));
            }
            allWaited(waiting);
        }
    }

    /** {@value #WAITING} runs of {@code program}, half on GraalJS and half on Rhino, each from a client of its own. */
    private static List<Future<JsonNode>> startWaiting(ExecutorService clients, McpHttpClient client, String program) {
        List<Future<JsonNode>> waiting = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            String engine = i % 2 == 0 ? "graaljs" : "rhino";
            waiting.add(clients.submit(() -> client.execute("javascript", program, limits(engine, 12_000, 12_000))));
        }
        return waiting;
    }

    private static void allWaited(List<Future<JsonNode>> waiting) throws Exception {
        for (Future<JsonNode> program : waiting) {
            JsonNode answer = program.get(60, TimeUnit.SECONDS);
            assertThat(answer.toString(), answer.at("/result/structuredContent/result").asString(), is("waited"));
        }
    }

    private static ObjectNode limits(String engine, int timeoutMs, int cpuTimeMs) {
        ObjectNode extra = Json.object().put("engine", engine);
        extra.putObject("limits").put("timeoutMs", timeoutMs).put("cpuTimeMs", cpuTimeMs).put("memoryLimitMb", 8);
        return extra;
    }
}
