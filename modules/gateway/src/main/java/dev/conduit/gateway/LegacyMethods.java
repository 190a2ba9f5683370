package dev.conduit.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.tool.Tool;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The original Conduit's discovery and call methods, under their 1.0 names ({@code mcp.discoverTools}, ...) and
 * their later spellings ({@code mcp_discover_tools}, ...), with the original's parameter and result shapes. They go
 * through the same {@link ToolAccess} as {@code tools/list} and {@code tools/call}: one policy, two vocabularies.
 */
final class LegacyMethods {
    private static final String VERSION = "1.0.0";

    private final ToolAccess access;

    LegacyMethods(ToolAccess access) {
        this.access = access;
    }

    void register(Map<String, MethodHandler> handlers) {
        both(handlers, "discoverTools", "discover_tools", this::discoverTools);
        both(handlers, "listToolPackages", "list_tool_packages", this::listPackages);
        both(handlers, "listToolStubs", "list_tool_stubs", this::listStubs);
        both(handlers, "readToolSchema", "read_tool_schema", this::readSchema);
        both(handlers, "validateTool", "validate_tool", this::validate);
        both(handlers, "callTool", "call_tool", this::callTool);
    }

    private static void both(Map<String, MethodHandler> handlers, String dotted, String snake, MethodHandler handler) {
        handlers.put("mcp." + dotted, handler);
        handlers.put("mcp_" + snake, handler);
    }

    private JsonNode discoverTools(JsonRpcRequest request, RequestContext context) {
        ObjectNode result = Json.object();
        ArrayNode tools = result.putArray("tools");
        for (Tool tool : access.visible(ToolReach.client(context.principal()))) {
            ObjectNode item = tools.addObject();
            item.put("name", tool.definition().name());
            item.put("description", tool.definition().description());
            item.set("inputSchema", tool.definition().inputSchema());
        }
        return result;
    }

    private JsonNode listPackages(JsonRpcRequest request, RequestContext context) {
        Map<String, String> packages = new LinkedHashMap<>();
        for (Tool tool : access.visible(ToolReach.client(context.principal()))) {
            packages.putIfAbsent(tool.namespace(), tool.namespace().equals(ToolAccess.BUILTIN_NAMESPACE)
                    ? "Conduit built-in tools" : "Upstream " + tool.namespace());
        }
        ObjectNode result = Json.object();
        ArrayNode list = result.putArray("packages");
        packages.forEach((id, description) -> {
            ObjectNode item = list.addObject();
            item.put("id", id);
            item.put("description", description);
            item.put("version", VERSION);
        });
        return result;
    }

    private JsonNode listStubs(JsonRpcRequest request, RequestContext context) {
        String packageId = required(request, "packageId", "Missing packageId parameter");
        List<Tool> tools = access.visible(ToolReach.client(context.principal())).stream()
                .filter(tool -> tool.namespace().equals(packageId)).toList();
        if (tools.isEmpty()) {
            throw new RpcException(JsonRpcError.of(ErrorCodes.NOT_FOUND, "Upstream package not found: " + packageId));
        }
        ObjectNode result = Json.object();
        ArrayNode stubs = result.putArray("stubs");
        for (Tool tool : tools) {
            ObjectNode stub = stubs.addObject();
            stub.put("id", tool.definition().name());
            stub.put("name", tool.localName());
            stub.put("description", tool.definition().description());
        }
        return result;
    }

    private JsonNode readSchema(JsonRpcRequest request, RequestContext context) {
        String toolId = required(request, "toolId", "Missing toolId parameter");
        Tool tool = access.resolve(toolId, ToolReach.client(context.principal())).filter(Tool::listed).orElseThrow(
                () -> new RpcException(JsonRpcError.of(ErrorCodes.NOT_FOUND, "Tool not found: " + toolId)));
        ObjectNode result = Json.object();
        ObjectNode schema = result.putObject("schema");
        schema.put("name", toolId);
        schema.put("description", tool.definition().description());
        schema.set("inputSchema", tool.definition().inputSchema());
        return result;
    }

    private JsonNode validate(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        if (!params.path("toolName").isString() || !(params.get("args") instanceof ObjectNode args)) {
            throw new RpcException(JsonRpcError.invalidParams("Missing toolName or args params"));
        }
        String name = params.get("toolName").stringValue();
        ObjectNode result = Json.object();
        List<String> problems = access.problems(name, args, ToolReach.client(context.principal()));
        result.put("valid", problems.isEmpty());
        if (!problems.isEmpty()) {
            ArrayNode errors = result.putArray("errors");
            problems.forEach(errors::add);
        }
        return result;
    }

    private JsonNode callTool(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        String name = Params.requiredString(params, "name");
        ObjectNode arguments = Params.optionalObject(params, "arguments").orElseGet(Json::object);
        return access.callDirect(access.require(name, ToolReach.client(context.principal())), arguments, request.progressToken(),
                                 context);
    }

    private static String required(JsonRpcRequest request, String field, String message) {
        JsonNode value = request.paramsObject().get(field);
        if (value == null || !value.isString() || value.stringValue().isEmpty()) {
            throw new RpcException(JsonRpcError.invalidParams(message));
        }
        return value.stringValue();
    }
}
