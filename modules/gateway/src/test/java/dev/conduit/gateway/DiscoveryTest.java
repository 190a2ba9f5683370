package dev.conduit.gateway;

import java.util.ArrayList;
import java.util.List;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.core.tool.ToolResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** The original's mcp.* methods and the discovery tools, through the same access rules as tools/list. */
class DiscoveryTest {
    private static final String SUM_SCHEMA = """
            {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}""";

    private final McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of(
            tool("math", "add", "Adds two numbers. Returns their sum.", SUM_SCHEMA),
            tool("files", "read_file", "Reads a text file from the allowed folder.", "{\"type\":\"object\"}"),
            tool("files", "write_file", "Writes a file.", "{\"type\":\"object\"}")))).build();
    private final RequestContext everyone = context(List.of("*"));
    private final RequestContext mathOnly = context(List.of("math.*"));

    @ParameterizedTest
    @ValueSource(strings = {"mcp.discoverTools", "mcp_discover_tools"})
    void discoverToolsListsWhatTheCallerMaySee(String method) {
        JsonNode tools = success(method, "{}", mathOnly).get("tools");
        List<String> names = names(tools);
        assertThat(names, hasItem("math__add"));
        assertThat(names, not(hasItem("files__read_file")));
        tools.forEach(tool -> assertThat(tool.has("inputSchema"), is(true)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mcp.listToolPackages", "mcp_list_tool_packages"})
    void packagesAreTheNamespaces(String method) {
        JsonNode packages = success(method, "{}", everyone).get("packages");
        List<String> ids = new ArrayList<>();
        packages.forEach(item -> ids.add(item.get("id").asString()));
        assertThat(ids, is(List.of("conduit", "math", "files")));
        assertThat(packages.get(1).get("version").asString(), is("1.0.0"));
    }

    @Test
    void stubsOfAPackage() {
        JsonNode stubs = success("mcp.listToolStubs", "{\"packageId\":\"files\"}", everyone).get("stubs");
        assertThat(stubs.size(), is(2));
        assertThat(stubs.get(0).get("id").asString(), is("files__read_file"));
        assertThat(stubs.get(0).get("name").asString(), is("read_file"));
        assertThat(error("mcp.listToolStubs", "{}", everyone).get("code").asInt(), is(-32602));
        assertThat(error("mcp_list_tool_stubs", "{\"packageId\":\"files\"}", mathOnly).get("code").asInt(),
                   is(-32001));
    }

    @Test
    void readToolSchema() {
        JsonNode schema = success("mcp.readToolSchema", "{\"toolId\":\"math__add\"}", everyone).get("schema");
        assertThat(schema.get("name").asString(), is("math__add"));
        assertThat(schema.at("/inputSchema/required/0").asString(), is("a"));
        assertThat(error("mcp.readToolSchema", "{\"toolId\":\"nope\"}", everyone).get("code").asInt(), is(-32001));
        assertThat(error("mcp.readToolSchema", "{}", everyone).get("code").asInt(), is(-32602));
    }

    @Test
    void validateTool() {
        assertThat(success("mcp.validateTool", "{\"toolName\":\"math__add\",\"args\":{\"a\":1,\"b\":2}}", everyone)
                           .get("valid").asBoolean(), is(true));
        JsonNode invalid = success("mcp_validate_tool", "{\"toolName\":\"math__add\",\"args\":{\"a\":1}}", everyone);
        assertThat(invalid.get("valid").asBoolean(), is(false));
        assertThat(invalid.at("/errors/0").asString(), containsString("b"));
        assertThat(error("mcp.validateTool", "{\"toolName\":\"math__add\"}", everyone).get("code").asInt(),
                   is(-32602));
    }

    @Test
    void callToolIsToolsCall() {
        JsonNode result = success("mcp.callTool", "{\"name\":\"math__add\",\"arguments\":{\"a\":1,\"b\":2}}",
                                  everyone);
        assertThat(result.at("/content/0/text").asString(), containsString("add"));
        assertThat(error("mcp_call_tool", "{\"name\":\"files__read_file\"}", mathOnly).get("code").asInt(),
                   is(-32602));
    }

    @Test
    void searchToolFindsByWordsWithTheDetailAsked() {
        JsonNode byName = structured(DiscoveryTools.SEARCH, "{\"query\":\"file\",\"detail\":\"name\"}", everyone);
        assertThat(names(byName.get("tools")), is(List.of("files__read_file", "files__write_file")));
        JsonNode summary = structured(DiscoveryTools.SEARCH, "{\"query\":\"sum\"}", everyone);
        assertThat(summary.at("/tools/0/name").asString(), is("math__add"));
        assertThat(summary.at("/tools/0/summary").asString(), is("Adds two numbers."));
        JsonNode full = structured(DiscoveryTools.SEARCH, "{\"query\":\"add\",\"detail\":\"full\"}", everyone);
        assertThat(full.at("/tools/0/inputSchema/type").asString(), is("object"));
        JsonNode declared = structured(DiscoveryTools.SEARCH, "{\"query\":\"add\",\"detail\":\"typescript\"}",
                                       everyone);
        assertThat(declared.get("declarations").asString(), containsString("function add(args: {"));
        assertThat(declared.get("declarations").asString(), containsString("namespace math {"));
        JsonNode restricted = structured(DiscoveryTools.SEARCH, "{\"query\":\"file\"}", mathOnly);
        assertThat(restricted.get("tools").size(), is(0));
    }

    @Test
    void validateToolChecksWithoutCalling() {
        JsonNode bad = structured(DiscoveryTools.VALIDATE, "{\"name\":\"math__add\",\"arguments\":{\"a\":\"x\"}}",
                                  everyone);
        assertThat(bad.get("valid").asBoolean(), is(false));
        assertThat(bad.get("errors").size(), is(2));
        JsonNode unknown = structured(DiscoveryTools.VALIDATE, "{\"name\":\"files__read_file\"}", mathOnly);
        assertThat(unknown.at("/errors/0").asString(), containsString("Unknown tool"));
    }

    private JsonNode structured(String tool, String arguments, RequestContext context) {
        ObjectNode params = Json.object();
        params.put("name", tool);
        params.set("arguments", Json.mapper().readTree(arguments));
        return success("tools/call", params.toString(), context).get("structuredContent");
    }

    private JsonNode success(String method, String params, RequestContext context) {
        JsonRpcResponse response = server.handle(new JsonRpcRequest(JsonRpcId.of(1), method,
                                                                    Json.mapper().readTree(params)), context).orElseThrow();
        return ((JsonRpcResponse.Success) response).result();
    }

    private JsonNode error(String method, String params, RequestContext context) {
        JsonRpcResponse response = server.handle(new JsonRpcRequest(JsonRpcId.of(1), method,
                                                                    Json.mapper().readTree(params)), context).orElseThrow();
        JsonRpcResponse.Failure failure = (JsonRpcResponse.Failure) response;
        ObjectNode error = Json.object();
        error.put("code", failure.error().code());
        error.put("message", failure.error().message());
        return error;
    }

    private static List<String> names(JsonNode tools) {
        List<String> names = new ArrayList<>();
        tools.forEach(tool -> names.add(tool.isString() ? tool.asString() : tool.get("name").asString()));
        return names;
    }

    private static Tool tool(String namespace, String name, String description, String schema) {
        return new Tool(ToolDefinition.of(namespace + "__" + name, description,
                                          (ObjectNode) Json.mapper().readTree(schema)), namespace, name,
                        (call, context) -> ToolResults.structured(Json.object().put("called", name)));
    }

    private static RequestContext context(List<String> patterns) {
        return TestSession.context(patterns);
    }
}
