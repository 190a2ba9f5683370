package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * server-everything's resources, resource templates and prompts through the gateway, seen by the official SDK client:
 * merged and paged (a page size of 3 makes every list span pages), read and got from their owner, errors with the
 * spec's codes, and the allow-list deciding what a key sees.
 */
class PassThroughIT {
    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, RunningConduit.configWithEverything() + """
                limits:
                  page-size: 3
                """);
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void theSdkClientListsReadsAndGetsThroughTheGateway() throws Exception {
        RunningConduit.Result run = RunningConduit.run(RunningConduit.patient(Duration.ofSeconds(60)),
                RunningConduit.NODE.toString(), "passthrough-client.mjs", conduit.mcpUrl(), RunningConduit.API_KEY);
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        assertThat(seen.get("resources").toString(), seen.get("resources").size(), is(7));
        assertThat(seen.get("templates").toString(), seen.get("templates").size(), is(2));
        List<String> prompts = seen.get("prompts").valueStream().map(p -> p.get("name").asString()).toList();
        assertThat(prompts, hasItem("everything__args-prompt"));
        assertThat(prompts.size(), is(4));
        assertThat(prompts, everyItem(startsWith("everything__")));

        String firstUri = seen.at("/resources/0/uri").asString();
        assertThat(seen.at("/readListed/result/contents/0/uri").asString(), is(firstUri));
        assertThat(seen.at("/readFromTemplate/result/contents/0/uri").asString(),
                   is("demo://resource/dynamic/text/42"));
        assertThat(seen.at("/readUnknown/code").asInt(), is(-32002));
        assertThat(seen.at("/promptWithArguments/result/messages").toString(), containsString("Lisbon"));
        assertThat(seen.at("/promptUnknown/code").asInt(), is(-32602));
        // server-everything completes departments starting with "E" (Engineering) and resource ids starting with "1".
        assertThat(seen.at("/completePrompt").toString(), seen.at("/completePrompt/result/completion/values").toString(),
                   containsString("Engineering"));
        assertThat(seen.at("/completeTemplate").toString(),
                   seen.at("/completeTemplate/result/completion/values").isArray(), is(true));
        assertThat(seen.at("/completeUnknown/code").asInt(), is(-32602));
    }

    @Test
    void initializeDeclaresWhatTheKeyCanUse() throws Exception {
        String initialize = """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""";
        JsonNode full = new McpHttpClient(conduit, RunningConduit.API_KEY).post(initialize).at("/result/capabilities");
        assertThat(full.toString(), full.at("/resources/subscribe").asBoolean(), is(true));
        assertThat(full.toString(), full.at("/prompts/listChanged").asBoolean(), is(true));
        assertThat(full.toString(), full.has("completions"), is(true));
        assertThat(full.toString(), full.has("logging"), is(true));
        // [everything.echo, files.*]: no whole upstream, so no resources; a pattern naming everything could match a
        // prompt of it, so prompts (and their completions).
        JsonNode limited = new McpHttpClient(conduit, RunningConduit.LIMITED_KEY).post(initialize)
                .at("/result/capabilities");
        assertThat(limited.toString(), limited.has("resources"), is(false));
        assertThat(limited.toString(), limited.has("prompts"), is(true));
        assertThat(limited.toString(), limited.has("tools"), is(true));
    }

    @Test
    void aKeyWithoutTheWholeUpstreamSeesNoneOfItsResourcesOrPrompts() throws Exception {
        McpHttpClient limited = new McpHttpClient(conduit, RunningConduit.LIMITED_KEY);
        assertThat(limited.post("""
                {"jsonrpc":"2.0","id":1,"method":"resources/list"}""").at("/result/resources").size(), is(0));
        assertThat(limited.post("""
                {"jsonrpc":"2.0","id":2,"method":"prompts/list"}""").at("/result/prompts").size(), is(0));
        JsonNode read = limited.post("""
                {"jsonrpc":"2.0","id":3,"method":"resources/read",\
                "params":{"uri":"demo://resource/static/document/architecture.md"}}""");
        assertThat(read.toString(), read.at("/error/code").asInt(), is(-32002));
        JsonNode got = limited.post("""
                {"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"everything__simple-prompt"}}""");
        assertThat(got.toString(), got.at("/error/code").asInt(), is(-32602));
    }

    /**
     * A session that ends without unsubscribing, as clients do, releases its subscription (docs/upstreams.md): the
     * gateway's count of subscriptions held at upstreams goes back down, for a DELETE as for a dropped socket.
     */
    @Test
    void aSessionThatEndsNoLongerHoldsItsSubscriptions() throws Exception {
        String subscribe = """
                {"jsonrpc":"2.0","id":5,"method":"resources/subscribe",\
                "params":{"uri":"demo://resource/static/document/architecture.md"}}""";
        double before = conduit.metric("conduit_subscriptions_held");
        McpHttpClient first = new McpHttpClient(conduit, RunningConduit.API_KEY);
        McpHttpClient second = new McpHttpClient(conduit, RunningConduit.API_KEY);
        JsonNode subscribed = first.post(subscribe);
        assertThat(subscribed.toString(), subscribed.has("result"), is(true));
        assertThat(second.post(subscribe).has("result"), is(true));
        assertThat(conduit.metric("conduit_subscriptions_held"), is(before + 2));

        assertThat(first.end(), is(204));
        assertThat(conduit.metric("conduit_subscriptions_held"), is(before + 1));
        assertThat(second.end(), is(204));
        assertThat(conduit.metric("conduit_subscriptions_held"), is(before));
        // The last holder's end told the upstream: a new session subscribes afresh and is counted once.
        McpHttpClient third = new McpHttpClient(conduit, RunningConduit.API_KEY);
        assertThat(third.post(subscribe).has("result"), is(true));
        assertThat(conduit.metric("conduit_subscriptions_held"), is(before + 1));
        third.end();
    }
}
