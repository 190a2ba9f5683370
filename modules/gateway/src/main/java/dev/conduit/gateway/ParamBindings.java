package dev.conduit.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.conduit.core.McpParamHeaders;
import dev.conduit.core.tool.Tool;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code Mcp-Param-*} bindings of each tool's input schema, worked out once per schema rather than per call
 * (every HTTP {@code tools/call} asks: walking the schema was 3.5 % of the request's CPU). Kept per tool name and
 * worked out again when the tool's schema object changes, as it does when the catalog is refreshed. Thread-safe.
 */
final class ParamBindings {
    private static final int MAX_CACHED = 10_000;

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private record Known(ObjectNode schema, List<McpParamHeaders.Binding> bindings) {
    }

    /** The bindings of {@code tool}'s input schema. */
    List<McpParamHeaders.Binding> of(Tool tool) {
        ObjectNode schema = tool.definition().inputSchema();
        Known cached = known.get(tool.definition().name());
        if (cached != null && cached.schema() == schema) {
            return cached.bindings();
        }
        if (known.size() >= MAX_CACHED) {
            known.clear(); // names come from upstreams: a bound, not an eviction policy
        }
        List<McpParamHeaders.Binding> bindings = McpParamHeaders.bindings(schema);
        known.put(tool.definition().name(), new Known(schema, bindings));
        return bindings;
    }
}
