package dev.conduit.gateway;

import java.util.List;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.policy.ExecutionLimitsPolicy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * One path to a tool: a client's {@code tools/call} and a program's bridge call resolve, authorize and forward the
 * same way, in strict and permissive mode, by exposed and by dotted name; and the two searches agree.
 */
class ToolPathTest {
    private static final List<String> EVERYTHING = List.of("*");

    @Test
    void anUnlistedToolIsReachedByClientsAndProgramsAlikeInPermissiveModeOnly() {
        McpServer permissive = server(false);
        assertThat(direct(permissive, "up__hidden", EVERYTHING), containsString("hidden answered"));
        assertThat(fromProgram(permissive, "up__hidden", EVERYTHING), containsString("hidden answered"));
        assertThat(fromProgram(permissive, "up.hidden", EVERYTHING), containsString("hidden answered"));

        McpServer strict = server(true);
        assertThat(direct(strict, "up__hidden", EVERYTHING), containsString("Unknown tool"));
        assertThat(fromProgram(strict, "up__hidden", EVERYTHING), containsString("-32003"));
    }

    @Test
    void theKeyDecidesForBothPaths() {
        McpServer server = server(false);
        List<String> listedOnly = List.of("up.listed", "conduit.execute_javascript");
        assertThat(direct(server, "up__listed", listedOnly), containsString("listed answered"));
        assertThat(fromProgram(server, "up.listed", listedOnly), containsString("listed answered"));
        for (String name : List.of("up__hidden", "up__other", "up.other")) {
            assertThat(name, direct(server, name, listedOnly), containsString("Unknown tool"));
            assertThat(name, fromProgram(server, name, listedOnly), containsString("-32003"));
        }
    }

    @Test
    void aProgramReachesNoneOfTheGatewaysOwnTools() {
        McpServer server = server(false);
        for (String name : List.of("execute_javascript", "conduit__search_tools", "conduit.search_tools",
                                   "conduit__execute_javascript")) {
            assertThat(name, fromProgram(server, name, EVERYTHING), containsString("-32003"));
        }
    }

    @Test
    void theSearchToolAndAProgramsDiscoveryRankAlike() {
        McpServer server = server(false);
        JsonNode searched = call(server, "conduit__search_tools", Json.object().put("query", "answer listed")
                .put("detail", "name"), EVERYTHING).path("structuredContent").path("tools");
        assertThat(searched.toString(), is("[\"up__listed\",\"up__other\"]"));
        String discovered = program(server, "discover:answer listed", EVERYTHING);
        assertThat(discovered, discovered.indexOf("up__listed") < discovered.indexOf("up__other"), is(true));
    }

    @Test
    void aProgramGetsTextAsTextAndAnImageOrResourceAsTheContentItself() {
        McpServer server = server(false);
        assertThat(bridged(server, "up.listed").get("value").asString(), is("listed answered"));
        JsonNode picture = bridged(server, "up.picture").get("value");
        assertThat(picture.toString(), picture.at("/content/0/text").asString(), is("a dot"));
        assertThat(picture.toString(), picture.at("/content/1/type").asString(), is("image"));
        assertThat(picture.toString(), picture.at("/content/1/data").asString(), is("iVBORw0KGgo="));
    }

    /** What the bridge answered a program's call of {@code name}. */
    private static JsonNode bridged(McpServer server, String name) {
        return Json.mapper().readTree(call(server, "execute_javascript", Json.object().put("code", "call:" + name),
                                           EVERYTHING).at("/structuredContent/stdout").asString());
    }

    private static McpServer server(boolean strict) {
        return McpServer.builder().catalog(new Catalog()).strictValidation(strict)
                .executions(ExecutorRegistry.of(List.of(new TestEngine("calling", ToolPathTest::callOrDiscover))),
                            ExecutionLimitsPolicy.from(ConfigReader.empty()), ExecutorsConfig.standard())
                .build();
    }

    private static String direct(McpServer server, String name, List<String> allowed) {
        return call(server, name, Json.object(), allowed).toString();
    }

    private static String fromProgram(McpServer server, String name, List<String> allowed) {
        return program(server, "call:" + name, allowed);
    }

    private static String program(McpServer server, String code, List<String> allowed) {
        return call(server, "execute_javascript", Json.object().put("code", code), allowed).toString();
    }

    private static JsonNode call(McpServer server, String name, ObjectNode arguments, List<String> allowed) {
        ObjectNode params = Json.object().put("name", name);
        params.set("arguments", arguments);
        JsonRpcResponse response = server.handle(new JsonRpcRequest(JsonRpcId.of(1), "tools/call", params),
                                                 TestSession.context(allowed)).orElseThrow();
        return switch (response) {
            case JsonRpcResponse.Success success -> success.result();
            case JsonRpcResponse.Failure failure -> Json.object().put("error", failure.error().message());
        };
    }

    private static Tool tool(String name, String description) {
        return new Tool(ToolDefinition.of("up__" + name, description, Json.object().put("type", "object")), "up", name,
                        (call, context) -> answer(name));
    }

    /** A tool answering a line of text and an image, as server-everything's get-tiny-image does. */
    private static Tool picture() {
        return new Tool(ToolDefinition.of("up__picture", "draws", Json.object().put("type", "object")), "up", "picture",
                        (call, context) -> {
                            ObjectNode result = Json.object();
                            result.putArray("content").add(Json.object().put("type", "text").put("text", "a dot"))
                                    .add(Json.object().put("type", "image").put("data", "iVBORw0KGgo=")
                                                 .put("mimeType", "image/png"));
                            return result;
                        });
    }

    private static ObjectNode answer(String name) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", name + " answered");
        return result;
    }

    /** Lists two tools; its upstream {@code up} also serves {@code hidden}, which it does not list. */
    private static final class Catalog implements ToolCatalog {
        private final ToolCatalog listed = ToolCatalog.of(List.of(tool("listed", "listed: gives an answer"),
                                                                  tool("other", "gives an answer"), picture()));

        @Override
        public List<Tool> tools() {
            return listed.tools();
        }

        @Override
        public Optional<Tool> find(String name) {
            return listed.find(name);
        }

        @Override
        public Optional<Tool> unlisted(String name) {
            return name.equals("up__hidden")
                    ? Optional.of(new Tool(ToolDefinition.of(name, "", Json.object().put("type", "object")), "up",
                                           "hidden", (call, context) -> answer("hidden"), false, false))
                    : Optional.empty();
        }
    }

    /** A program is {@code call:<tool>} or {@code discover:<query>}; its output is what the bridge answered. */
    private static ExecutionOutcome callOrDiscover(ExecutionRequest request) {
        String code = request.code();
        String answer = code.startsWith("call:")
                ? request.tools().call(code.substring("call:".length()), "{}")
                : request.tools().discoverJson(Json.object().put("search", code.substring("discover:".length()))
                                                       .toString());
        return new ExecutionOutcome.Completed(answer, "", Optional.empty());
    }
}
