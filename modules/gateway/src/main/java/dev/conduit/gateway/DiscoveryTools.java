package dev.conduit.gateway;

import java.util.List;
import java.util.Optional;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.core.tool.ToolResults;
import dev.conduit.sdkgen.TypeScriptDeclarations;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Progressive discovery as MCP tools a model can call: {@code conduit__search_tools} finds tools by words in their
 * name and description and answers with as much detail as asked ({@code name}, {@code summary} or {@code full}
 * schema), so a model with hundreds of tools reads only what it needs; {@code conduit__validate_tool_arguments}
 * checks arguments against a tool's schema without calling it. Both see only what the caller may see.
 */
final class DiscoveryTools {
    static final String SEARCH = ToolAccess.BUILTIN_NAMESPACE + "__search_tools";
    static final String VALIDATE = ToolAccess.BUILTIN_NAMESPACE + "__validate_tool_arguments";
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final int SUMMARY_LENGTH = 160;

    private DiscoveryTools() {
    }

    static List<Tool> create(ToolAccess access) {
        return List.of(
                new Tool(ToolDefinition.of(SEARCH, """
                        Searches the tools you can call by words in their name and description. Answers with names \
                        only, a one-line summary, the full input schema, or TypeScript declarations of the matching \
                        tools.* functions to write code against (detail), best matches first. An empty query lists \
                        every tool.""", schema("""
                        {"type":"object","properties":{
                          "query":{"type":"string","description":"Words to look for; empty lists every tool"},
                          "detail":{"type":"string","enum":["name","summary","full","typescript"],"default":"summary"},
                          "limit":{"type":"integer","minimum":1,"maximum":100,"default":20}},
                         "additionalProperties":false}""")),
                         ToolAccess.BUILTIN_NAMESPACE, "search_tools",
                         (call, context) -> search(access, call.arguments(), context)),
                new Tool(ToolDefinition.of(VALIDATE, """
                        Checks arguments against a tool's input schema without calling the tool. Answers \
                        {valid, errors}.""", schema("""
                        {"type":"object","properties":{
                          "name":{"type":"string","description":"The tool's name as tools/list shows it"},
                          "arguments":{"type":"object"}},
                         "required":["name"],"additionalProperties":false}""")),
                         ToolAccess.BUILTIN_NAMESPACE, "validate_tool_arguments",
                         (call, context) -> validate(access, call.arguments(), context)));
    }

    private static ObjectNode search(ToolAccess access, ObjectNode arguments, RequestContext context) {
        String detail = arguments.path("detail").asString("summary");
        int limit = Math.clamp(arguments.path("limit").asInt(DEFAULT_LIMIT), 1, MAX_LIMIT);
        List<Tool> hits = access.search(arguments.path("query").asString(""), Optional.empty(),
                                        ToolReach.client(context.principal())).stream().limit(limit).toList();
        ObjectNode structured = Json.object();
        ArrayNode tools = structured.putArray("tools");
        if (detail.equals("typescript")) {
            hits.forEach(hit -> tools.add(hit.definition().name()));
            structured.put("declarations", TypeScriptDeclarations.of(hits.stream().map(hit -> new TypeScriptDeclarations
                    .Tool(hit.namespace(), hit.localName(), hit.definition().description(),
                          hit.definition().inputSchema(), hit.definition().outputSchema().orElse(null))).toList()));
            return ToolResults.structured(structured);
        }
        for (Tool hit : hits) {
            ToolDefinition definition = hit.definition();
            switch (detail) {
                case "name" -> tools.add(definition.name());
                case "full" -> tools.add(definition.toJson());
                default -> {
                    ObjectNode item = tools.addObject();
                    item.put("name", definition.name());
                    item.put("summary", summary(definition.description()));
                }
            }
        }
        return ToolResults.structured(structured);
    }

    private static ObjectNode validate(ToolAccess access, ObjectNode arguments, RequestContext context) {
        ObjectNode candidate = arguments.path("arguments") instanceof ObjectNode object ? object : Json.object();
        List<String> problems = access.problems(arguments.path("name").asString(""), candidate,
                                                ToolReach.client(context.principal()));
        ObjectNode structured = Json.object();
        structured.put("valid", problems.isEmpty());
        ArrayNode errors = structured.putArray("errors");
        problems.forEach(errors::add);
        return ToolResults.structured(structured);
    }

    static String summary(String description) {
        String firstLine = description.strip().lines().findFirst().orElse("");
        int sentence = firstLine.indexOf(". ");
        String text = sentence > 0 ? firstLine.substring(0, sentence + 1) : firstLine;
        return text.length() <= SUMMARY_LENGTH ? text : text.substring(0, SUMMARY_LENGTH - 3) + "...";
    }

    private static ObjectNode schema(String json) {
        return (ObjectNode) Json.mapper().readTree(json);
    }
}
