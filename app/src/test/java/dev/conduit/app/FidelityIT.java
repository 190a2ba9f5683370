package dev.conduit.app;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * What an upstream sends is what the client gets: every member of a tool (title, icons, _meta, annotations, output
 * schema) and every kind of content in a result (resource links, embedded resources, structured content, _meta), from
 * a fixture server of our own on the official SDK that sends all of them.
 */
class FidelityIT {
    private static final Path FIXTURE = RunningConduit.INTEROP.resolve("fidelity-server.mjs").toAbsolutePath();

    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                upstreams:
                  - id: fidelity
                    command: %s
                    args: [%s]
                """.formatted(RunningConduit.NODE.toAbsolutePath(), FIXTURE));
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void everyMemberOfAToolIsPassedOn() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        JsonNode tools = client.post("""
                {"jsonrpc":"2.0","id":1,"method":"tools/list"}""").at("/result/tools");
        JsonNode describe = tools.valueStream().filter(tool -> tool.get("name").asString().equals("fidelity__describe"))
                .findFirst().orElseThrow(() -> new AssertionError(tools.toString()));
        assertThat(describe.toString(), describe.get("title").asString(), is("Describe the fixture"));
        assertThat(describe.toString(), describe.at("/icons/0/mimeType").asString(), is("image/png"));
        assertThat(describe.toString(), describe.at("/icons/0/sizes/0").asString(), is("48x48"));
        assertThat(describe.toString(), describe.at("/_meta/example.org~1owner").asString(), is("conduit-tests"));
        assertThat(describe.toString(), describe.at("/annotations/readOnlyHint").asBoolean(), is(true));
        assertThat(describe.toString(), describe.at("/outputSchema/required/0").asString(), is("ok"));
    }

    @Test
    @Timeout(60)
    void anUpstreamsToolResourceAndPromptListChangesReachTheClient() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(conduit.mcpUrl())).header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + RunningConduit.API_KEY)
                        .header("Mcp-Session-Id", client.session()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode(), is(200));
        try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            JsonNode announced = client.post("""
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"fidelity__announce"}}""");
            assertThat(announced.toString(), announced.at("/result/content/0/text").asString(), is("announced"));
            Set<String> seen = new HashSet<>();
            String line;
            while (seen.size() < 3 && (line = events.readLine()) != null) {
                for (String method : List.of("notifications/tools/list_changed",
                                             "notifications/resources/list_changed",
                                             "notifications/prompts/list_changed")) {
                    if (line.contains(method)) {
                        seen.add(method);
                    }
                }
            }
            assertThat(seen.size(), is(3));
            // The tool list changed for real: the upstream's new tool is listed.
            assertThat(client.post("""
                    {"jsonrpc":"2.0","id":4,"method":"tools/list"}""").toString(), containsString("fidelity__late"));
        }
    }

    @Test
    void everyKindOfContentInAResultIsPassedOn() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        JsonNode result = client.post("""
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"fidelity__describe","arguments":{}}}""")
                .get("result");
        assertThat(result.toString(), result.at("/content/1/type").asString(), is("resource_link"));
        assertThat(result.toString(), result.at("/content/1/uri").asString(), is("fixture://doc/1"));
        assertThat(result.toString(), result.at("/content/2/resource/text").asString(), is("embedded"));
        assertThat(result.toString(), result.at("/structuredContent/ok").asBoolean(), is(true));
        assertThat(result.toString(), result.at("/_meta/example.org~1trace").asString(), is("t-1"));
        // A program gets the structured content as the call's value.
        JsonNode run = client.execute("javascript", "const r = await tools.fidelity.describe({}); return r.ok",
                                      Json.object());
        assertThat(run.toString(), run.at("/result/structuredContent/result").asBoolean(), is(true));
    }
}
