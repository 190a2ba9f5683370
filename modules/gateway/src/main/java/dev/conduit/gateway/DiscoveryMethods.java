package dev.conduit.gateway;

import java.util.Map;

import dev.conduit.core.McpMethods;
import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code resources/list}, {@code resources/templates/list} and {@code prompts/list}: spec-shaped empty lists until
 * upstream resources and prompts are proxied (the original answered a non-standard {@code {items: []}}).
 */
final class DiscoveryMethods {

    void register(Map<String, MethodHandler> handlers) {
        handlers.put(McpMethods.RESOURCES_LIST, (request, context) -> emptyList("resources"));
        handlers.put(McpMethods.RESOURCES_TEMPLATES_LIST, (request, context) -> emptyList("resourceTemplates"));
        handlers.put(McpMethods.PROMPTS_LIST, (request, context) -> emptyList("prompts"));
    }

    private static ObjectNode emptyList(String field) {
        ObjectNode result = Json.object();
        result.putArray(field);
        return result;
    }
}
