package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The engines' warm-ups give way to clients' programs after a start (WarmUpGate): with JavaScript programs arriving
 * from the first moment, GraalJS starts first and GraalPy's start waits for a pause in them; a Python program sent
 * while they go on starts GraalPy at once and is served; once the programs stop, every engine finishes warming.
 */
class WarmUpIT {
    /** Starts tried: the programs must reach the server before GraalPy's first step, about a second after its start. */
    private static final int STARTS = 3;
    private static final Pattern GAVE_WAY = Pattern.compile(
            "graalpy warm-up gave way to programs( and quicker engines)? for \\d+ ms \\((.+)\\)");

    @TempDir
    Path dir;

    @Test
    void warmUpsGiveWayToProgramsButNotToTheEngineAProgramWants() throws Exception {
        McpHttpClient.executeRequest(1, "javascript", "return 20 + 22", null); // the client's own code, loaded ahead
        for (int start = 1; ; start++) {
            String log = startAndRunPrograms();
            Matcher gaveWay = GAVE_WAY.matcher(log);
            boolean found = gaveWay.find();
            if (!found && start < STARTS) {
                continue; // the programs came after GraalPy's first step had begun: nothing to give way to
            }
            assertThat("GraalPy's start gave way to the JavaScript programs until the Python program came:\n" + log,
                       found ? gaveWay.group(2) : "no such line", is("a program waits for it"));
            assertThat("the engine the programs wanted started first:\n" + log,
                       log.indexOf("graaljs runs programs"), lessThan(log.indexOf("graalpy runs programs")));
            return;
        }
    }

    /** A server with two clients' JavaScript programs from its start, and a Python program among them; its log. */
    private String startAndRunPrograms() throws Exception {
        try (RunningConduit conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                executors:
                  enabled: [graaljs, graalpy]
                """)) {
            McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
            AtomicBoolean busy = new AtomicBoolean(true);
            List<Future<Integer>> loops = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                // Two clients, so that some program is always in the server while they run.
                for (int c = 0; c < 2; c++) {
                    loops.add(clients.submit(() -> {
                        int done = 0;
                        while (busy.get()) {
                            JsonNode answer = client.execute("javascript", "return 20 + 22", null);
                            assertThat(answer.toString(), answer.at("/result/structuredContent/result").asInt(),
                                       is(42));
                            done++;
                        }
                        return done;
                    }));
                }
                conduit.awaitRunning("graaljs");

                JsonNode python = client.execute("python", "6 * 7", null);
                assertThat(python.toString(), python.at("/result/structuredContent/result").asInt(), is(42));
                assertThat(python.toString(), python.at("/result/structuredContent/engine").asString(),
                           is("graalpy"));
                busy.set(false);
                for (Future<Integer> loop : loops) {
                    assertThat(loop.get(), greaterThan(0));
                }
            }
            assertThat(conduit.log(), conduit.awaitLog("graalpy ready", Duration.ofSeconds(120)), is(true));
            assertThat(conduit.log(), conduit.awaitLog("graaljs ready", Duration.ofSeconds(120)), is(true));
            return conduit.log();
        }
    }
}
