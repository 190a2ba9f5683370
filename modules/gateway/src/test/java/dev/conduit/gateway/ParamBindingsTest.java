package dev.conduit.gateway;

import java.util.List;

import dev.conduit.core.McpParamHeaders;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolDefinition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;

/** A tool's header bindings are worked out once per schema object, again when a refresh brings another. */
class ParamBindingsTest {
    private final ParamBindings bindings = new ParamBindings();

    @Test
    void theSameSchemaIsWalkedOnceAndARefreshedOneAgain() {
        Tool regional = tool("{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\","
                             + "\"x-mcp-header\":\"Region\"}}}");
        List<McpParamHeaders.Binding> first = bindings.of(regional);
        assertThat(first, is(List.of(new McpParamHeaders.Binding("Region", List.of("region")))));
        assertThat(bindings.of(regional), sameInstance(first));

        Tool refreshed = tool("{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\"}}}");
        assertThat("the upstream dropped the annotation", bindings.of(refreshed), is(empty()));
    }

    private static Tool tool(String schema) {
        ObjectNode inputSchema = (ObjectNode) Json.mapper().readTree(schema);
        return new Tool(ToolDefinition.of("up__lookup", "looks up", inputSchema), "up", "lookup",
                        (call, context) -> Json.object());
    }
}
