package dev.conduit.gateway;

import java.util.Map;

import dev.conduit.core.LogLevel;
import dev.conduit.core.McpMethods;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.tool.UpstreamFeatures;
import dev.conduit.policy.ToolAllowList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code initialize}, {@code ping} and {@code logging/setLevel}. {@code initialize} declares what works for the
 * caller's key: tools and logging always (the gateway's own tools and messages), {@code resources},
 * {@code prompts} and {@code completions} only when an upstream the key may reach offers them.
 */
final class LifecycleMethods {
    private final ServerInfo serverInfo;
    private final String instructions;
    private final UpstreamFeatures features;

    LifecycleMethods(ServerInfo serverInfo, String instructions, UpstreamFeatures features) {
        this.serverInfo = serverInfo;
        this.instructions = instructions;
        this.features = features;
    }

    void register(Map<String, MethodHandler> handlers) {
        handlers.put(McpMethods.INITIALIZE, this::initialize);
        handlers.put(McpMethods.PING, (request, context) -> Json.object());
        handlers.put(McpMethods.LOGGING_SET_LEVEL, this::setLevel);
        handlers.put(McpMethods.SERVER_DISCOVER, this::discover);
    }

    /**
     * What this server speaks and offers the caller (modern era; a legacy client may ask too): every protocol
     * version, newest first, the key's capabilities and the instructions. The server's name comes in the result's
     * {@code _meta} as in every modern result, and in {@code serverInfo} for a legacy caller.
     */
    private JsonNode discover(JsonRpcRequest request, RequestContext context) {
        ObjectNode result = Json.object();
        ArrayNode versions = result.putArray("supportedVersions");
        ProtocolVersion.supportedWireNames().forEach(versions::add);
        ObjectNode capabilities = capabilities(ToolAllowList.ofKey(context.principal().allowedTools()));
        capabilities.putObject("extensions").putObject(ClientTasks.EXTENSION); // 2026-07-28 tasks
        result.set("capabilities", capabilities);
        result.put("instructions", instructions);
        if (!context.session().protocolVersion().modern()) {
            ObjectNode info = result.putObject("serverInfo");
            info.put("name", serverInfo.name());
            info.put("version", serverInfo.version());
        }
        return result;
    }

    private JsonNode initialize(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        String requested = Params.requiredString(params, "protocolVersion");
        ProtocolVersion version = ProtocolVersion.negotiate(requested);
        if (params.get("capabilities") instanceof ObjectNode declared) {
            context.session().clientCapabilities(declared);
        }

        ObjectNode result = Json.object();
        result.put("protocolVersion", version.wire());
        ObjectNode capabilities = capabilities(ToolAllowList.ofKey(context.principal().allowedTools()));
        if (version == ProtocolVersion.V2025_11_25) {
            capabilities.set("tasks", ClientTasks.capability()); // the revision that has tasks (experimental)
        }
        result.set("capabilities", capabilities);
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", serverInfo.name());
        info.put("title", serverInfo.title());
        info.put("version", serverInfo.version());
        result.put("instructions", instructions);
        return result;
    }

    /**
     * What the key may use. Upstreams' list changes are relayed (resources and prompts are fetched when listed, so
     * nothing is stale); a key sees an upstream's resources only with the whole upstream, and its prompts by name.
     */
    ObjectNode capabilities(ToolAllowList allowed) {
        boolean resources = false;
        boolean subscribe = false;
        boolean prompts = false;
        boolean completions = false;
        for (Map.Entry<String, ObjectNode> upstream : features.capabilities().entrySet()) {
            ObjectNode offered = upstream.getValue();
            boolean wholly = allowed.allows(upstream.getKey(), "*");
            boolean itsResources = wholly && offered.has("resources");
            boolean itsPrompts = offered.has("prompts") && allowed.mayAllowAnyOf(upstream.getKey());
            resources |= itsResources;
            subscribe |= itsResources && offered.path("resources").path("subscribe").asBoolean(false);
            prompts |= itsPrompts;
            completions |= offered.has("completions") && (itsResources || itsPrompts);
        }
        ObjectNode capabilities = Json.object();
        capabilities.putObject("tools").put("listChanged", true);
        if (resources) {
            ObjectNode declared = capabilities.putObject("resources");
            declared.put("listChanged", true);
            if (subscribe) {
                declared.put("subscribe", true);
            }
        }
        if (prompts) {
            capabilities.putObject("prompts").put("listChanged", true);
        }
        if (completions) {
            capabilities.putObject("completions");
        }
        capabilities.putObject("logging");
        return capabilities;
    }

    private JsonNode setLevel(JsonRpcRequest request, RequestContext context) {
        String level = Params.requiredString(request.paramsObject(), "level");
        LogLevel parsed = LogLevel.fromWireName(level).orElseThrow(() -> Params.invalid(
                "\"level\" must be one of debug, info, notice, warning, error, critical, alert, emergency"));
        context.session().logLevel(parsed);
        features.logLevel(parsed);
        return Json.object();
    }
}
