package dev.conduit.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.spi.Language;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.core.tool.ToolResults;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Code Mode as MCP tools ({@code execute_javascript}, ...) and as the original's JSON-RPC methods
 * ({@code mcp.executeIsolate}, {@code mcp.executeTypeScript}, {@code mcp.executePython} and the {@code mcp_execute_*}
 * spellings, with the original's {@code {stdout, stderr, exitCode}} result).
 */
final class ExecutionTools {
    private static final String SCHEMA = """
            {"type":"object","properties":{
              "code":{"type":"string","description":"The program. Call tools as await tools.<upstream>.<tool>(args); \
            the last expression, or a top-level return, is the result."},
              "engine":{"type":"string","description":"An engine to run it on instead of the default"},
              "allowedTools":{"type":"array","items":{"type":"string"},"description":"Narrows the tools the program \
            may call, e.g. [\\"files.*\\"]; it can never widen your key's"},
              "limits":{"type":"object","description":"Lower limits: timeoutMs, cpuTimeMs, memoryLimitMb, \
            maxOutputBytes, maxLogEntries, maxToolCalls"}},
             "required":["code"],"additionalProperties":false}""";

    private ExecutionTools() {
    }

    /** The MCP tools for the languages some engine runs. */
    static List<Tool> create(ToolAccess access, ExecutionService service) {
        List<Tool> tools = new ArrayList<>();
        if (service.runs(Language.JAVASCRIPT)) {
            tools.add(tool(access, service, Language.JAVASCRIPT, "JavaScript"));
        }
        if (service.runs(Language.TYPESCRIPT)) {
            tools.add(tool(access, service, Language.TYPESCRIPT, "TypeScript"));
        }
        if (service.runs(Language.PYTHON)) {
            tools.add(tool(access, service, Language.PYTHON, "Python"));
        }
        return tools;
    }

    private static Tool tool(ToolAccess access, ExecutionService service, Language language, String display) {
        String name = "execute_" + language.id();
        String description = "Runs " + display + " in a fresh sandbox where the tools you may use are functions: "
                             + "tools.<upstream>.<tool>(args). Returns stdout, stderr, exitCode, the program's "
                             + "result, and a trace of its tool calls.";
        ObjectNode schema = (ObjectNode) Json.mapper().readTree(SCHEMA);
        return new Tool(ToolDefinition.of(name, description, schema), ToolAccess.BUILTIN_NAMESPACE, name,
                        (call, context) -> structured(service.run(access, language, call.arguments(), context)));
    }

    private static ObjectNode structured(ExecutionService.Run run) {
        ObjectNode structured = Json.object();
        structured.put("stdout", run.outcome().stdout());
        structured.put("stderr", run.outcome().stderr());
        structured.put("exitCode", run.exitCode());
        structured.set("result", run.result());
        structured.set("toolCalls", run.toolCalls());
        structured.put("durationMs", run.durationMillis());
        structured.put("engine", run.engine());
        ObjectNode result = ToolResults.structured(structured);
        if (run.exitCode() != 0) {
            // A program that failed is a failed tool call to MCP clients and models (the 1.0 methods keep exitCode).
            result.put("isError", true);
        }
        return result;
    }

    /** The original's execution methods. */
    static void register(Map<String, MethodHandler> handlers, ToolAccess access, ExecutionService service) {
        legacy(handlers, "executeIsolate", "execute_isolate", access, service, Language.JAVASCRIPT);
        legacy(handlers, "executeTypeScript", "execute_typescript", access, service, Language.TYPESCRIPT);
        legacy(handlers, "executePython", "execute_python", access, service, Language.PYTHON);
    }

    private static void legacy(Map<String, MethodHandler> handlers, String dotted, String snake, ToolAccess access,
                               ExecutionService service, Language language) {
        MethodHandler handler = (JsonRpcRequest request, RequestContext context) -> {
            ExecutionService.Run run = service.run(access, language, request.paramsObject(), context);
            ObjectNode result = Json.object();
            result.put("stdout", run.outcome().stdout());
            result.put("stderr", run.outcome().stderr());
            result.put("exitCode", run.exitCode());
            return (JsonNode) result;
        };
        handlers.put("mcp." + dotted, handler);
        handlers.put("mcp_" + snake, handler);
    }
}
