package dev.conduit.sdkgen;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.JsonNode;

/**
 * TypeScript declarations of the {@code tools} SDK, for models to read (never executed): one {@code declare namespace}
 * per upstream, one function per tool with its argument type from {@code inputSchema} and its result type from
 * {@code outputSchema}, descriptions as doc comments. Upstream text is made harmless on the way: descriptions cannot
 * close their comment, property names that are not identifiers are written as JSON strings, and every type comes from
 * a fixed vocabulary (literal values are JSON-quoted), so no upstream text can change the declarations' structure.
 */
public final class TypeScriptDeclarations {
    private static final int MAX_DEPTH = 6;

    private TypeScriptDeclarations() {
    }

    /** One tool to declare. */
    public record Tool(String namespace, String local, String description, JsonNode inputSchema,
                       JsonNode outputSchema) {
        public Tool {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(description, "description");
        }
    }

    /** The declarations of {@code tools}. */
    public static String of(List<Tool> tools) {
        Map<String, List<Tool>> byNamespace = new LinkedHashMap<>();
        tools.forEach(tool -> byNamespace.computeIfAbsent(tool.namespace(), key -> new ArrayList<>()).add(tool));
        StringBuilder out = new StringBuilder("declare namespace tools {\n");
        byNamespace.forEach((namespace, members) -> {
            out.append("  namespace ").append(Identifiers.javascript(namespace)).append(" {\n");
            Set<String> declared = new HashSet<>();
            for (Tool tool : members) {
                String name = Identifiers.javascript(tool.local());
                if (!declared.add(name)) {
                    continue;
                }
                out.append("    /**\n");
                comment(out, tool.description(), "     * ");
                if (!name.equals(tool.local())) {
                    comment(out, "Also tools." + Identifiers.javascript(namespace) + "[" + quote(tool.local()) + "].",
                            "     * ");
                }
                out.append("     */\n");
                out.append("    function ").append(name).append("(args: ").append(type(tool.inputSchema(), 3))
                        .append("): Promise<").append(tool.outputSchema() == null ? "unknown"
                                                             : type(tool.outputSchema(), 3)).append(">;\n");
            }
            out.append("  }\n");
        });
        return out.append("}\n").toString();
    }

    private static String type(JsonNode schema, int indent) {
        return type(schema, indent, 0);
    }

    private static String type(JsonNode schema, int indent, int depth) {
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
            return "unknown";
        }
        JsonNode values = schema.get("enum");
        if (values != null && values.isArray() && !values.isEmpty()) {
            List<String> literals = new ArrayList<>();
            values.forEach(value -> literals.add(value.isValueNode() ? Json.mapper().writeValueAsString(value)
                                                                     : "unknown"));
            return String.join(" | ", literals);
        }
        if (schema.has("const") && schema.get("const").isValueNode()) {
            return Json.mapper().writeValueAsString(schema.get("const"));
        }
        for (String union : List.of("anyOf", "oneOf")) {
            JsonNode options = schema.get(union);
            if (options != null && options.isArray() && !options.isEmpty()) {
                List<String> types = new ArrayList<>();
                options.forEach(option -> types.add(type(option, indent, depth + 1)));
                return "(" + String.join(" | ", types) + ")";
            }
        }
        JsonNode kind = schema.get("type");
        if (kind != null && kind.isArray()) {
            List<String> types = new ArrayList<>();
            kind.forEach(each -> types.add(simple(each.asString(""), schema, indent, depth)));
            return String.join(" | ", types);
        }
        return simple(kind == null ? (schema.has("properties") ? "object" : "") : kind.asString(""), schema, indent,
                      depth);
    }

    private static String simple(String kind, JsonNode schema, int indent, int depth) {
        return switch (kind) {
            case "string" -> "string";
            case "number", "integer" -> "number";
            case "boolean" -> "boolean";
            case "null" -> "null";
            case "array" -> "Array<" + type(schema.get("items"), indent, depth + 1) + ">";
            case "object" -> object(schema, indent, depth);
            default -> "unknown";
        };
    }

    private static String object(JsonNode schema, int indent, int depth) {
        JsonNode properties = schema.get("properties");
        if (properties == null || !properties.isObject() || properties.isEmpty()) {
            return "Record<string, unknown>";
        }
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asString("")));
        String pad = "  ".repeat(indent + 1);
        StringBuilder out = new StringBuilder("{\n");
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String description = property.getValue().path("description").asString("");
            if (!description.isEmpty()) {
                out.append(pad).append("/**\n");
                comment(out, description, pad + " * ");
                out.append(pad).append(" */\n");
            }
            String key = property.getKey();
            out.append(pad).append(Identifiers.javascript(key).equals(key) ? key : quote(key))
                    .append(required.contains(key) ? "" : "?").append(": ")
                    .append(type(property.getValue(), indent + 1, depth + 1)).append(";\n");
        }
        return out.append("  ".repeat(indent)).append('}').toString();
    }

    /** Writes {@code text} as comment lines; nothing in it can end the comment. */
    private static void comment(StringBuilder out, String text, String prefix) {
        for (String line : text.replace("\r", "").split("\n", -1)) {
            out.append(prefix).append(line.replace("*/", "*\\/")).append('\n');
        }
    }

    private static String quote(String value) {
        return Json.mapper().writeValueAsString(value);
    }
}
