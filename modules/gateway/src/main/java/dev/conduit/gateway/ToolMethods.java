package dev.conduit.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.tool.Tool;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code tools/list} with cursor pagination and {@code tools/call}.
 * <p>
 * A cursor is an opaque, URL-safe token for the position of the next page. Positions index the catalog's stable
 * order; a catalog that changes between pages can make a client see a tool twice or miss one, which
 * {@code notifications/tools/list_changed} tells it to re-list for.
 */
final class ToolMethods {
    private static final String CURSOR_PREFIX = "o:";

    private final ToolAccess access;
    private final int pageSize;

    ToolMethods(ToolAccess access, int pageSize) {
        this.access = access;
        this.pageSize = pageSize;
    }

    void register(Map<String, MethodHandler> handlers) {
        handlers.put(McpMethods.TOOLS_LIST, this::list);
        handlers.put(McpMethods.TOOLS_CALL, this::call);
    }

    private JsonNode list(JsonRpcRequest request, RequestContext context) {
        int offset = Params.optionalString(request.paramsObject(), "cursor").map(ToolMethods::decodeCursor).orElse(0);
        List<Tool> tools = access.visible(ToolReach.client(context.principal()));
        if (offset > tools.size()) {
            throw invalidCursor();
        }
        int end = Math.min(tools.size(), offset + pageSize);
        ObjectNode result = Json.object();
        ArrayNode page = result.putArray("tools");
        tools.subList(offset, end).forEach(tool -> page.add(tool.definition().toJson()));
        if (end < tools.size()) {
            result.put("nextCursor", encodeCursor(end));
        }
        return result;
    }

    private JsonNode call(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        String name = Params.requiredString(params, "name");
        ObjectNode arguments = Params.optionalObject(params, "arguments").orElseGet(Json::object);
        Tool tool = access.require(name, ToolReach.client(context.principal()));
        return access.callDirect(tool, arguments, request.progressToken(), context);
    }

    static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + offset).getBytes(StandardCharsets.US_ASCII));
    }

    static int decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!decoded.startsWith(CURSOR_PREFIX)) {
                throw invalidCursor();
            }
            int offset = Integer.parseInt(decoded.substring(CURSOR_PREFIX.length()));
            if (offset < 0) {
                throw invalidCursor();
            }
            return offset;
        } catch (IllegalArgumentException e) {
            throw invalidCursor();
        }
    }

    private static RpcException invalidCursor() {
        return new RpcException(JsonRpcError.invalidParams(
                "Invalid params: unknown cursor; start again without one"));
    }
}
