package dev.conduit.exec.graal;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.JsonNode;

/**
 * JSON text as Python literal text, for the GraalPy SDK: a fresh context then needs no {@code json} module (whose
 * import costs more than the rest of making the context), and reads what the host sends with its own parser in
 * literal-only mode. Strings are escaped by code point, so no text from an upstream can end a literal early.
 */
final class PythonLiterals {
    private PythonLiterals() {
    }

    static String fromJson(String json) {
        StringBuilder out = new StringBuilder(json.length() + 16);
        write(Json.mapper().readTree(json), out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("None");
        } else if (node.isBoolean()) {
            out.append(node.asBoolean() ? "True" : "False");
        } else if (node.isNumber()) {
            out.append(node.toString());
        } else if (node.isString()) {
            quote(node.asString(), out);
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            for (var field : node.properties()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(field.getKey(), out);
                out.append(':');
                write(field.getValue(), out);
            }
            out.append('}');
        }
    }

    static void quote(String text, StringBuilder out) {
        out.append('"');
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (cp < 0x20 || cp >= 0x7f && cp < 0xa0 || cp >= 0xd800 && cp < 0xe000 || cp == 0x2028
                        || cp == 0x2029) {
                        out.append(String.format("\\u%04x", cp));
                    } else if (cp > 0xffff) {
                        out.append(String.format("\\U%08x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        out.append('"');
    }
}
