package dev.conduit.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * An HTTP upstream that restarts forgets our session and answers it with 400 (the official SDK's servers do; the
 * specification says 404): the gateway initializes a new session and the next call is served, and health says what
 * happened meanwhile instead of the last good state.
 */
class UpstreamRecoveryIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @TempDir
    Path dir;

    @Test
    void restartedHttpUpstreamIsServedInANewSessionAndHealthTellsTheTruth() throws Exception {
        int port = UpstreamsIT.freePort();
        Process upstream = UpstreamsIT.startHttpEverything(port, "streamableHttp");
        try (RunningConduit conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                upstreams:
                  - id: remote
                    type: http
                    url: http://127.0.0.1:%d/mcp
                    timeout: 5s
                policy:
                  outbound:
                    allow: [127.0.0.1]
                """.formatted(port))) {
            McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
            assertThat(echo(client, "before").toString(), echo(client, "before").at("/result/content/0/text")
                    .asString(""), containsString("before"));

            stop(upstream);
            JsonNode failed = echo(client, "while down");
            assertThat(failed.toString(), failed.has("error") || failed.at("/result/isError").asBoolean(false),
                       is(true));
            assertThat(health(conduit), containsString("down"));

            upstream = UpstreamsIT.startHttpEverything(port, "streamableHttp");
            JsonNode after = echo(client, "after restart");
            assertThat(after.toString(), after.at("/result/content/0/text").asString(""),
                       containsString("after restart"));
            assertThat(health(conduit), containsString("up ("));
            assertThat(conduit.log(), containsString("no longer knows the session"));
        } finally {
            stop(upstream);
        }
    }

    private static JsonNode echo(McpHttpClient client, String message) throws Exception {
        return client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                           + "\"remote__echo\",\"arguments\":{\"message\":\"" + message + "\"}}}");
    }

    private static String health(RunningConduit conduit) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + conduit.opsPort()
                                                           + "/observe/health")).timeout(Duration.ofSeconds(5)).build(),
                         HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void stop(Process process) throws InterruptedException {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }
}
