package dev.conduit.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.policy.ToolAllowList;
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

    private final ToolCatalog catalog;
    private final int pageSize;
    private final boolean strict;
    private final ArgumentValidator validator = new ArgumentValidator();

    ToolMethods(ToolCatalog catalog, int pageSize, boolean strict) {
        this.catalog = catalog;
        this.pageSize = pageSize;
        this.strict = strict;
    }

    void register(Map<String, MethodHandler> handlers) {
        handlers.put("tools/list", this::list);
        handlers.put("tools/call", this::call);
    }

    private JsonNode list(JsonRpcRequest request, RequestContext context) {
        int offset = Params.optionalString(request.paramsObject(), "cursor").map(ToolMethods::decodeCursor).orElse(0);
        ToolAllowList allowed = ToolAllowList.of(context.principal().allowedTools());
        List<Tool> tools = catalog.tools().stream()
                .filter(tool -> allowed.allows(tool.namespace(), tool.localName()))
                .toList();
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
        ToolAllowList allowed = ToolAllowList.of(context.principal().allowedTools());
        // A tool the caller may not use is reported exactly like one that does not exist: no probing of names.
        Tool tool = catalog.find(name)
                .or(() -> strict ? Optional.empty() : catalog.unlisted(name))
                .filter(found -> allowed.allows(found.namespace(), found.localName()))
                .orElseThrow(() -> new RpcException(JsonRpcError.invalidParams(
                        "Unknown tool: " + name + ". Call tools/list for the available tools.")));
        Optional<ObjectNode> refusal = checkArguments(tool, arguments);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        return tool.invoker().call(new ToolCall(arguments, request.progressToken()), context);
    }

    /** A tool result refusing the call when the arguments break the tool's schema; empty to go ahead. */
    private Optional<ObjectNode> checkArguments(Tool tool, ObjectNode arguments) {
        String name = tool.definition().name();
        if (!tool.hasSchema()) {
            if (strict) {
                throw new RpcException(JsonRpcError.invalidParams("Strict mode: tool " + name
                                                                  + " has no input schema, so it is not called"));
            }
            return Optional.empty();
        }
        return switch (validator.validate(name, tool.definition().inputSchema(), arguments)) {
            case ArgumentValidator.Valid valid -> Optional.empty();
            case ArgumentValidator.Invalid invalid -> Optional.of(ToolResults.error(
                    "Invalid arguments for tool " + name + ":\n- " + String.join("\n- ", invalid.messages())));
            case ArgumentValidator.Unusable unusable -> {
                if (strict) {
                    throw new RpcException(JsonRpcError.invalidParams("Strict mode: tool " + name + " cannot be "
                                                                      + "checked: " + unusable.reason()));
                }
                yield Optional.empty();
            }
        };
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
