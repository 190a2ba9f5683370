package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
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
    @TempDir
    Path dir;

    @Test
    void warmUpsGiveWayToProgramsButNotToTheEngineAProgramWants() throws Exception {
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

            String log = conduit.log();
            assertThat("GraalPy's start gave way to the JavaScript programs until the Python program came:\n" + log,
                       Pattern.compile("graalpy warm-up gave way to programs for \\d+ ms \\(a program waits for it\\)")
                               .matcher(log).find(), is(true));
            assertThat("the engine the programs wanted started first:\n" + log,
                       log.indexOf("graaljs runs programs"), lessThan(log.indexOf("graalpy runs programs")));
        }
    }
}
