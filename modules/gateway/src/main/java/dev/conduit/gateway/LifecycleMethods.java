package dev.conduit.gateway;

import java.util.Map;

import dev.conduit.core.LogLevel;
import dev.conduit.core.McpMethods;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code initialize}, {@code ping} and {@code logging/setLevel}. */
final class LifecycleMethods {
    private final ServerInfo serverInfo;
    private final String instructions;

    LifecycleMethods(ServerInfo serverInfo, String instructions) {
        this.serverInfo = serverInfo;
        this.instructions = instructions;
    }

    void register(Map<String, MethodHandler> handlers) {
        handlers.put(McpMethods.INITIALIZE, this::initialize);
        handlers.put(McpMethods.PING, (request, context) -> Json.object());
        handlers.put(McpMethods.LOGGING_SET_LEVEL, this::setLevel);
    }

    private JsonNode initialize(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        String requested = Params.requiredString(params, "protocolVersion");
        ProtocolVersion version = ProtocolVersion.negotiate(requested);

        ObjectNode result = Json.object();
        result.put("protocolVersion", version.wire());
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", true);
        // Upstreams' list changes are relayed (resources and prompts are fetched when listed, so nothing is stale).
        capabilities.putObject("resources").put("listChanged", true);
        capabilities.putObject("prompts").put("listChanged", true);
        capabilities.putObject("logging");
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", serverInfo.name());
        info.put("title", serverInfo.title());
        info.put("version", serverInfo.version());
        result.put("instructions", instructions);
        return result;
    }

    private JsonNode setLevel(JsonRpcRequest request, RequestContext context) {
        String level = Params.requiredString(request.paramsObject(), "level");
        LogLevel parsed = LogLevel.fromWireName(level).orElseThrow(() -> Params.invalid(
                "\"level\" must be one of debug, info, notice, warning, error, critical, alert, emergency"));
        context.session().logLevel(parsed);
        return Json.object();
    }
}
