package dev.conduit.gateway;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.conduit.core.LogLevel;
import dev.conduit.core.McpSession;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class McpServerTest {
    private final McpSession session = TestSession.create();
    private final RequestContext context = TestSession.context(session, List.of("*"));

    @Test
    void initializeEchoesSupportedVersionAndDescribesServer() {
        McpServer server = McpServer.builder().serverInfo(new ServerInfo("conduit", "Conduit", "9.9")).build();
        JsonNode result = success(server, "initialize", "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{}}");
        assertThat(result.get("protocolVersion").asString(), is("2025-03-26"));
        assertThat(result.at("/serverInfo/version").asString(), is("9.9"));
        assertThat(result.at("/capabilities/tools").isObject(), is(true));
        assertThat(result.at("/capabilities/logging").isObject(), is(true));
        assertThat(success(server, "initialize", "{\"protocolVersion\":\"2099-01-01\"}").get("protocolVersion")
                           .asString(), is(ProtocolVersion.latest().wire()));
    }

    @Test
    void initializeWithoutVersionIsInvalidParams() {
        assertThat(error(McpServer.builder().build(), "initialize", "{}").get("code").asInt(), is(-32602));
    }

    @Test
    void pingAnswersEmptyObject() {
        assertThat(success(McpServer.builder().build(), "ping", "{}").isEmpty(), is(true));
    }

    @Test
    void setLevelStoresLevelOnSession() {
        McpServer server = McpServer.builder().build();
        success(server, "logging/setLevel", "{\"level\":\"warning\"}");
        assertThat(session.logLevel(), is(LogLevel.WARNING));
        assertThat(error(server, "logging/setLevel", "{\"level\":\"loud\"}").get("code").asInt(), is(-32602));
    }

    @Test
    void toolsListPagesThroughEveryToolOnce() {
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(IntStream.range(0, 25)
                .mapToObj(i -> tool("t" + i)).toList())).pageSize(10).build();
        Set<String> seen = new HashSet<>();
        List<Integer> pageSizes = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            ObjectNode params = Json.object();
            cursor.ifPresent(value -> params.put("cursor", value));
            JsonNode page = success(server, "tools/list", params.toString());
            page.get("tools").forEach(tool -> assertThat(seen.add(tool.get("name").asString()), is(true)));
            pageSizes.add(page.get("tools").size());
            cursor = page.has("nextCursor") ? Optional.of(page.get("nextCursor").asString()) : Optional.empty();
        } while (cursor.isPresent());
        // 25 catalog tools plus the gateway's two discovery tools, which come first.
        assertThat(pageSizes, is(List.of(10, 10, 7)));
        assertThat(seen.size(), is(27));
        assertThat(seen.contains("conduit__search_tools"), is(true));
    }

    @Test
    void toolsListWithBogusCursorIsInvalidParams() {
        McpServer server = McpServer.builder().build();
        assertThat(error(server, "tools/list", "{\"cursor\":\"not-a-cursor\"}").get("code").asInt(), is(-32602));
        assertThat(error(server, "tools/list", "{\"cursor\":\"" + ToolMethods.encodeCursor(5) + "\"}").get("code")
                           .asInt(), is(-32602));
    }

    @Test
    void toolsCallRoutesToTheTool() {
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(tool("echo")))).build();
        JsonNode result = success(server, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"x\":1}}");
        assertThat(result.at("/content/0/text").asString(), is("echo {\"x\":1}"));
    }

    @Test
    void toolsCallOfUnknownToolIsInvalidParams() {
        JsonNode error = error(McpServer.builder().build(), "tools/call", "{\"name\":\"nope\"}");
        assertThat(error.get("code").asInt(), is(-32602));
        assertThat(error.get("message").asString(), containsString("Unknown tool: nope"));
    }

    @Test
    void toolsCallWithBadArgumentsIsInvalidParams() {
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(tool("echo")))).build();
        assertThat(error(server, "tools/call", "{\"name\":\"echo\",\"arguments\":[1]}").get("code").asInt(),
                   is(-32602));
        assertThat(error(server, "tools/call", "[\"echo\"]").get("code").asInt(), is(-32602));
    }

    @Test
    void principalSeesAndCallsOnlyAllowedTools() {
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(tool("echo"), tool("secret")))).build();
        RequestContext limited = TestSession.context(session, List.of("test.echo"));
        JsonRpcResponse listed = server.handle(new JsonRpcRequest(JsonRpcId.of(1), "tools/list", Json.object()),
                                               limited).orElseThrow();
        List<String> names = new ArrayList<>();
        ((JsonRpcResponse.Success) listed).result().get("tools").forEach(tool -> names.add(tool.get("name").asString()));
        assertThat(names, is(List.of("conduit__search_tools", "conduit__validate_tool_arguments", "echo")));
        JsonRpcResponse denied = server.handle(new JsonRpcRequest(JsonRpcId.of(2), "tools/call",
                Json.mapper().readTree("{\"name\":\"secret\"}")), limited).orElseThrow();
        assertThat(((JsonRpcResponse.Failure) denied).error().message(), containsString("Unknown tool: secret"));
    }

    @Test
    void argumentsBreakingTheSchemaAreRefusedAsToolErrorWithMessages() {
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(schemaTool("sum", """
                {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}
                """)))).build();
        JsonNode result = success(server, "tools/call", "{\"name\":\"sum\",\"arguments\":{\"a\":\"x\"}}");
        assertThat(result.get("isError").asBoolean(), is(true));
        String text = result.at("/content/0/text").asString();
        assertThat(text, containsString("Invalid arguments for tool sum"));
        assertThat(text, containsString("/a: string found, number expected"));
        assertThat(text, containsString("required property 'b'"));
        JsonNode ok = success(server, "tools/call", "{\"name\":\"sum\",\"arguments\":{\"a\":1,\"b\":2}}");
        assertThat(ok.path("isError").asBoolean(false), is(false));
    }

    @Test
    void draft07SchemasAreHonoured() {
        // In draft-07 "dependencies" is a keyword; 2020-12 ignores it, so only a draft-07 reading refuses this.
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(schemaTool("d7", """
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","dependencies":{"a":["b"]}}
                """)))).build();
        JsonNode result = success(server, "tools/call", "{\"name\":\"d7\",\"arguments\":{\"a\":1}}");
        assertThat(result.toString(), result.path("isError").asBoolean(false), is(true));
    }

    @Test
    void aResultBreakingItsOutputSchemaBecomesAToolErrorThatKeepsItsContent() {
        ObjectNode output = (ObjectNode) Json.mapper().readTree("""
                {"type":"object","properties":{"n":{"type":"number"}},"required":["n"]}
                """);
        // The tool answers with whatever result its arguments carry, as an upstream might.
        Tool echoing = new Tool(new ToolDefinition("shaped", Optional.empty(), "", Json.object().put("type", "object"),
                                                   Optional.of(output), Optional.empty(), Json.object()),
                                "test", "shaped", (call, ctx) -> (ObjectNode) call.arguments().get("result"));
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(echoing))).build();
        String content = "\"content\":[{\"type\":\"text\",\"text\":\"upstream's own words\"}]";

        JsonNode kept = answer(server, "{" + content + ",\"structuredContent\":{\"n\":1}}");
        assertThat(kept.toString(), kept.path("isError").asBoolean(false), is(false));
        assertThat(kept.at("/structuredContent/n").asInt(), is(1));

        JsonNode wrongType = answer(server, "{" + content + ",\"structuredContent\":{\"n\":\"one\"}}");
        assertThat(wrongType.get("isError").asBoolean(), is(true));
        assertThat(wrongType.at("/content/0/text").asString(),
                   containsString("Tool shaped answered with a result its output schema does not allow:\n- /n: "
                                  + "string found, number expected"));
        assertThat(wrongType.at("/content/1/text").asString(), is("upstream's own words"));
        assertThat(wrongType.has("structuredContent"), is(false));

        JsonNode missing = answer(server, "{" + content + "}");
        assertThat(missing.at("/content/0/text").asString(), containsString("it has no structuredContent"));
        JsonNode notAnObject = answer(server, "{" + content + ",\"structuredContent\":[1]}");
        assertThat(notAnObject.at("/content/0/text").asString(), containsString("its structuredContent is not an object"));

        // An error result promises nothing, so it passes as it came.
        JsonNode failed = answer(server, "{" + content + ",\"isError\":true}");
        assertThat(failed.at("/content/0/text").asString(), is("upstream's own words"));
    }

    private JsonNode answer(McpServer server, String result) {
        return success(server, "tools/call", "{\"name\":\"shaped\",\"arguments\":{\"result\":" + result + "}}");
    }

    @Test
    void strictModeRefusesToolsWithoutSchemaAndPermissiveForwardsThem() {
        Tool schemaless = new Tool(tool("bare").definition(), "test", "bare", tool("bare").invoker(), true, false);
        McpServer strict = McpServer.builder().catalog(ToolCatalog.of(List.of(schemaless)))
                .strictValidation(true).build();
        assertThat(error(strict, "tools/call", "{\"name\":\"bare\"}").get("message").asString(),
                   containsString("Strict mode"));
        McpServer permissive = McpServer.builder().catalog(ToolCatalog.of(List.of(schemaless))).build();
        assertThat(success(permissive, "tools/call", "{\"name\":\"bare\"}").at("/content/0/text").asString(),
                   containsString("bare"));
    }

    @Test
    void discoveryListsAreSpecShaped() {
        McpServer server = McpServer.builder().build();
        assertThat(success(server, "resources/list", "{}").get("resources").isArray(), is(true));
        assertThat(success(server, "resources/templates/list", "{}").get("resourceTemplates").isArray(), is(true));
        assertThat(success(server, "prompts/list", "{}").get("prompts").isArray(), is(true));
    }

    @Test
    void unknownMethodIsMethodNotFound() {
        assertThat(error(McpServer.builder().build(), "tools/destroy", "{}").get("code").asInt(), is(-32601));
    }

    @Test
    void faultInToolIsInternalErrorWithoutDetail() {
        Tool broken = new Tool(tool("broken").definition(), "test", "broken", (call, ctx) -> {
            throw new IllegalStateException("/secret/path");
        });
        JsonNode error = error(McpServer.builder().catalog(ToolCatalog.of(List.of(broken))).build(),
                               "tools/call", "{\"name\":\"broken\"}");
        assertThat(error.get("code").asInt(), is(-32603));
        assertThat(error.get("message").asString(), not(containsString("/secret/path")));
    }

    @Test
    void notificationsGetNoResponseAndInitializedIsRecorded() {
        Optional<JsonRpcResponse> response = McpServer.builder().build().handle(
                new JsonRpcNotification("notifications/initialized", Json.object()), context);
        assertThat(response.isEmpty(), is(true));
        assertThat(session.initialized(), is(true));
    }

    /** A 2026-07-28 request's params: {@code extra} members plus the _meta the revision requires. */
    private static String modern(String extra, String capabilities, String more) {
        return "{" + extra + (extra.isEmpty() ? "" : ",") + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
               + "\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":" + capabilities + more + "}}";
    }

    @Test
    void aModernRequestIsServedWithoutInitializeAndInTheRevisionsWords() {
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(tool("t1")))).build();
        JsonNode list = success(server, "tools/list", modern("", "{}", ""));
        assertThat(list.get("resultType").asString(), is("complete"));
        assertThat(list.get("cacheScope").asString(), is("private"));
        assertThat(list.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asString(), is("conduit"));
        JsonNode call = success(server, "tools/call", modern("\"name\":\"t1\",\"arguments\":{}", "{}", ""));
        assertThat(call.get("resultType").asString(), is("complete"));
        assertThat(call.has("cacheScope"), is(false));
        // Nothing of it stays in the session: the legacy era's state is untouched.
        assertThat(session.initialized(), is(false));
        assertThat(session.requestedLogLevel().isPresent(), is(false));
    }

    @Test
    void aModernRequestIsRefusedWithTheRevisionsErrors() {
        McpServer server = McpServer.builder().build();
        JsonNode unsupported = error(server, "tools/list", modern("", "{}", "").replace("2026-07-28", "2030-01-01"));
        assertThat(unsupported.get("code").asInt(), is(-32022));
        assertThat(error(server, "tools/list", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                                               + "\"2026-07-28\"}}").get("code").asInt(), is(-32602));
        for (String removed : List.of("ping", "logging/setLevel", "initialize", "resources/subscribe")) {
            assertThat(removed, error(server, removed, modern("\"level\":\"info\"", "{}", "")).get("code").asInt(),
                       is(-32601));
        }
        assertThat(error(server, "resources/read", modern("\"uri\":\"x://nothing\"", "{}", "")).get("code").asInt(),
                   is(-32602));
    }

    @Test
    void aModernRequestGetsLogMessagesOnlyWithALogLevelInItsMeta() {
        List<String> sent = new CopyOnWriteArrayList<>();
        McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(new Tool(
                ToolDefinition.of("noisy", "logs", Json.object().put("type", "object")), "test", "noisy",
                (call, ctx) -> {
                    ctx.log(LogLevel.WARNING, "test", "careful");
                    return Json.object();
                })))).build();
        RequestContext listening = new RequestContext(context.principal(), "cid", session,
                                                      message -> sent.add(message.toString()));
        server.handle(request("tools/call", modern("\"name\":\"noisy\"", "{}", "")), listening);
        assertThat(sent.toString(), sent.isEmpty(), is(true));
        server.handle(request("tools/call", modern("\"name\":\"noisy\"", "{}",
                                                   ",\"io.modelcontextprotocol/logLevel\":\"info\"")), listening);
        assertThat(sent.toString(), sent.size(), is(1));
        assertThat(sent.getFirst(), containsString("careful"));
    }

    private static JsonRpcRequest request(String method, String params) {
        return new JsonRpcRequest(JsonRpcId.of(1), method, Json.mapper().readTree(params));
    }

    private JsonNode success(McpServer server, String method, String params) {
        JsonRpcResponse response = call(server, method, params);
        return ((JsonRpcResponse.Success) response).result();
    }

    private JsonNode error(McpServer server, String method, String params) {
        JsonRpcResponse.Failure failure = (JsonRpcResponse.Failure) call(server, method, params);
        ObjectNode error = Json.object();
        error.put("code", failure.error().code());
        error.put("message", failure.error().message());
        return error;
    }

    private JsonRpcResponse call(McpServer server, String method, String params) {
        return server.handle(new JsonRpcRequest(JsonRpcId.of(1), method, Json.mapper().readTree(params)), context)
                .orElseThrow();
    }

    private static Tool tool(String name) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        return new Tool(ToolDefinition.of(name, "a tool", schema), "test", name, (call, ctx) -> {
            ObjectNode result = Json.object();
            ObjectNode item = result.putArray("content").addObject();
            item.put("type", "text");
            item.put("text", name + " " + call.arguments());
            return result;
        });
    }

    private static Tool schemaTool(String name, String schema) {
        ObjectNode parsed = (ObjectNode) Json.mapper().readTree(schema);
        return new Tool(ToolDefinition.of(name, "a tool", parsed), "test", name, tool(name).invoker());
    }
}
