package dev.conduit.sdkgen;

import java.util.Set;

/**
 * Safe, stable identifiers for tool names in each guest language: every character that cannot appear in an
 * identifier becomes {@code _}, a leading digit gets a {@code _} before it, a reserved word gets one after it
 * ({@code get-sum} → {@code get_sum}, {@code 2fa} → {@code _2fa}, {@code delete} → {@code delete_}). The original
 * name always stays reachable too: {@code tools.everything["get-sum"]}.
 */
public final class Identifiers {
    private static final Set<String> JS_RESERVED = Set.of("break", "case", "catch", "class", "const", "continue",
            "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for",
            "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw",
            "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements",
            "interface", "package", "private", "protected", "public", "await", "arguments", "eval", "then",
            "constructor", "prototype", "__proto__");
    private static final Set<String> PY_RESERVED = Set.of("False", "None", "True", "and", "as", "assert", "async",
            "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
            "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
            "while", "with", "yield", "match", "case", "raw");

    private Identifiers() {
    }

    /** A JavaScript identifier for {@code name}. */
    public static String javascript(String name) {
        return safe(name, JS_RESERVED);
    }

    /** A Python identifier for {@code name}. */
    public static String python(String name) {
        return safe(name, PY_RESERVED);
    }

    private static String safe(String name, Set<String> reserved) {
        StringBuilder out = new StringBuilder(name.length() + 2);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            out.append(ok ? c : '_');
        }
        if (out.isEmpty() || Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        String identifier = out.toString();
        return reserved.contains(identifier) ? identifier + "_" : identifier;
    }
}
