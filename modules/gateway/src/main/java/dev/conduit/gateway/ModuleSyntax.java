package dev.conduit.gateway;

import java.util.regex.Pattern;

/**
 * Recognizes ECMAScript module syntax at the start of a line ({@code import ... from}, {@code import "x"},
 * {@code export ...}); the original Conduit took {@code export {};} as the sign to run a program in Deno. Dynamic
 * {@code import(...)} and {@code import.meta} are expressions, not module syntax, and are left alone.
 */
final class ModuleSyntax {
    private static final Pattern STATEMENT = Pattern.compile("(?m)^[ \\t]*(?:import\\b[ \\t]*[\\w{*\"']|export\\b)");
    private static final Pattern EMPTY_EXPORT = Pattern.compile("(?m)^[ \\t]*export[ \\t]*\\{[ \\t]*}[ \\t]*;?[ \\t]*$");

    private ModuleSyntax() {
    }

    /** Whether {@code code} has an import or export statement. */
    static boolean present(String code) {
        return STATEMENT.matcher(code).find();
    }

    /** {@code code} without its {@code export {};} lines (each replaced by an empty line, so line numbers hold). */
    static String withoutEmptyExports(String code) {
        return EMPTY_EXPORT.matcher(code).replaceAll("");
    }
}
