package dev.conduit.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/** SIGTERM with executions running and queued: every admitted request gets an answer, none a dropped connection. */
class ShutdownIT {
    private static final int PROGRAMS = 20;

    @TempDir
    Path dir;

    @Test
    void everyAdmittedExecutionIsAnsweredWhenTheServerStops() throws Exception {
        RunningConduit conduit = RunningConduit.start(dir, RunningConduit.config(true).replace(
                "shutdown-grace: 5s", "shutdown-grace: 4s") + """
                executors:
                  threads: 2
                  per-key: 20
                limits:
                  execution:
                    memory-bytes: 1073741824   # the busy-wait allocates; only shutdown may stop these programs
                """);
        List<Future<JsonNode>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
            for (int i = 0; i < PROGRAMS; i++) {
                String request = McpHttpClient.executeRequest(100 + i, "javascript",
                        "const end = Date.now() + 1500; while (Date.now() < end) {} return 'done';", null);
                answers.add(clients.submit(() -> client.post(request)));
            }
            awaitAdmitted(conduit);
            assertThat(conduit.log(), conduit.terminate(Duration.ofSeconds(20)), is(143));

            int completed = 0;
            int stopped = 0;
            for (Future<JsonNode> answer : answers) {
                JsonNode response = answer.get(30, TimeUnit.SECONDS); // an exception here is a dropped connection
                if (response.has("result")) {
                    assertThat(response.toString(), response.at("/result/structuredContent/result").asString(),
                               is("done"));
                    completed++;
                } else {
                    assertThat(response.toString(), response.at("/error/code").asInt(), is(-32000));
                    assertThat(response.toString(), response.at("/error/message").asString(),
                               containsString("shutting down"));
                    stopped++;
                }
            }
            assertThat(completed + stopped, is(PROGRAMS));
            assertThat("completed within the grace period\n" + conduit.log(), completed, greaterThan(0));
            assertThat("stopped at its end", stopped, greaterThan(0));
            assertThat(conduit.log(), containsString("cancelling them so that each gets an answer"));
        } finally {
            conduit.close();
        }
    }

    /**
     * Ctrl-C in a terminal signals the server's whole process group: the server stops gracefully, and its children (the
     * upstream, Deno's runners) keep serving the programs in flight until it ends them. They used to get the signal
     * too: the upstream died and was started again during the drain, and a Deno program died with its runner.
     */
    @Test
    void ctrlCReachesTheServerAloneAndItsChildrenServeTheProgramsInFlight() throws Exception {
        assertThat("this build runs with SIGINT ignored (a background job of a non-interactive shell, or nohup): the "
                   + "server inherits that, as any JVM does, and Ctrl-C cannot reach it. Run the build in the "
                   + "foreground or from a shell with job control", sigintIgnored(), is(false));
        RunningConduit conduit = RunningConduit.startAsGroupLeader(dir, RunningConduit.configWithEverything()
                + "    eager: true\n");
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(conduit.log(), conduit.awaitLog("upstream 'everything' initialized", Duration.ofSeconds(60)),
                       is(true));
            conduit.awaitRunning("graaljs");
            conduit.awaitRunning("deno");
            McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
            String program = "const end = Date.now() + 2000; while (Date.now() < end) {}"
                             + " const echoed = await tools.everything.echo({message: 'after ctrl-c'});"
                             + " return JSON.stringify(echoed)";
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (String engine : List.of("graaljs", "deno")) {
                answers.add(clients.submit(() -> client.post(McpHttpClient.executeRequest(
                        1, "javascript", program, Json.object().put("engine", engine)))));
            }
            assertThat("both programs running", RunningConduit.pollUntil(Duration.ofSeconds(20),
                    () -> conduit.metric("conduit_executions_running") >= 2), is(true));
            conduit.interruptGroup();
            for (Future<JsonNode> answer : answers) {
                JsonNode response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response + "\n" + conduit.log(), response.at("/result/structuredContent/result")
                        .asString(), containsString("after ctrl-c"));
            }
            assertThat(conduit.log(), conduit.awaitExit(Duration.ofSeconds(20)), is(130));
            assertThat("the upstream was started once\n" + conduit.log(), conduit.log().lines()
                    .filter(line -> line.contains("upstream 'everything' started as pid")).count(), is(1L));
        } finally {
            conduit.close();
        }
    }

    /** Whether this JVM was started with SIGINT ignored (Linux: the signal mask in /proc); false where unknown. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .anyMatch(line -> (Long.parseLong(line.substring("SigIgn:".length()).strip(), 16) & 0x2) != 0);
    }

    /**
     * Waits until nearly all programs are running or queued (2 threads: 2 running, the rest queued); on a slow machine
     * the first may already have finished. A request that arrives after SIGTERM is answered too (503, -32000).
     */
    private static void awaitAdmitted(RunningConduit conduit) throws Exception {
        assertThat("executions running or queued", RunningConduit.pollUntil(Duration.ofSeconds(20),
                () -> conduit.metric("conduit_executions_running") + conduit.metric("conduit_executions_queued")
                      >= PROGRAMS - 4), is(true));
    }
}
