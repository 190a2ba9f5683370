package dev.conduit.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * The server keeps serving however long its upstreams sit idle. Wave 1's server wedged 30-150 s after the last
 * request: the readers of stdio upstreams' pipes were virtual threads, a pipe read holds its carrier, and once the
 * spare carrier retired no virtual thread (HTTP handler, health, shutdown) ran again. One virtual-thread carrier and
 * several eager upstreams make that certain; the default scheduler with one upstream is how users met it.
 */
class LivenessIT {
    /** Longer than the scheduler's 30 s keep-alive of a spare carrier. */
    private static final Duration IDLE = Duration.ofSeconds(45);
    private static final Duration HEALTH_ANSWER = Duration.ofSeconds(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final Map<String, String> ONE_CARRIER = Map.of(
            "JAVA_OPTS", "-Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // idles 105 s on purpose
    void idleStdioUpstreamsNeverWedgeTheServer() throws Exception {
        try (RunningConduit pinned = RunningConduit.start(dir, ONE_CARRIER, eagerUpstreams(3));
             RunningConduit usual = RunningConduit.start(dir, RunningConduit.configWithEverything())) {
            assertThat(pinned.log(), pinned.awaitLog("upstream 'everything-3' initialized", Duration.ofSeconds(60)),
                       is(true));
            assertEchoServed(usual, "once");

            idle(IDLE);
            assertHealthy(pinned);
            assertHealthy(usual);
            assertEchoServed(pinned, "after 45 s");
            assertEchoServed(usual, "after 45 s");

            idle(Duration.ofSeconds(60));
            assertHealthy(usual);
            assertEchoServed(usual, "after another 60 s");

            assertTerminationEndsEveryChild(pinned);
            assertTerminationEndsEveryChild(usual);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void severalStartsInARowAllComeUpAndStop() throws Exception {
        for (int start = 1; start <= 3; start++) {
            try (RunningConduit conduit = RunningConduit.start(dir, ONE_CARRIER, eagerUpstreams(3))) {
                assertThat(conduit.log(), conduit.awaitLog("upstream 'everything-3' initialized",
                                                           Duration.ofSeconds(60)), is(true));
                assertHealthy(conduit);
                assertEchoServed(conduit, "start " + start);
                assertTerminationEndsEveryChild(conduit);
            }
        }
    }

    /** An idle period is the scenario under test, not a synchronisation: nothing is awaited but time itself. */
    private static void idle(Duration period) throws InterruptedException {
        Thread.sleep(period);
    }

    private static String eagerUpstreams(int count) {
        StringBuilder yaml = new StringBuilder(RunningConduit.config(true)).append("upstreams:\n");
        for (int i = 1; i <= count; i++) {
            yaml.append("""
                      - id: everything-%d
                        eager: true
                        command: %s
                        args: [%s, stdio]
                    """.formatted(i, RunningConduit.NODE.toAbsolutePath(), RunningConduit.EVERYTHING));
        }
        return yaml.toString();
    }

    private static void assertHealthy(RunningConduit conduit) throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + conduit.opsPort() + "/observe/health"))
                .timeout(HEALTH_ANSWER).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body(), health.statusCode(), is(200));
    }

    private static void assertEchoServed(RunningConduit conduit, String message) throws Exception {
        String tool = conduit.log().contains("'everything-1'") ? "everything-1__echo" : "everything__echo";
        JsonNode answer = new McpHttpClient(conduit, RunningConduit.API_KEY).post(
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"message\":\"" + message + "\"}}}");
        assertThat(answer.toString(), answer.at("/result/content/0/text").asString(""), containsString(message));
    }

    private static void assertTerminationEndsEveryChild(RunningConduit conduit) throws Exception {
        List<ProcessHandle> children = conduit.handle().descendants().toList();
        // The configuration's grace is 5 s; children get 2 s more to end politely. 143: ended by SIGTERM, as asked.
        assertThat(conduit.log(), conduit.terminate(Duration.ofSeconds(10)), is(143));
        assertThat(conduit.log(), containsString("Stopped in"));
        List<ProcessHandle> left = children.stream().filter(ProcessHandle::isAlive).toList();
        assertThat("children left: " + left, left, is(empty()));
    }
}
