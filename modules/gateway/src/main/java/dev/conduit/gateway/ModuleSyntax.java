package dev.conduit.gateway;

import java.util.regex.Pattern;

/**
 * Recognizes ECMAScript module syntax at the start of a line ({@code import ... from}, {@code import "x"},
 * {@code export ...}); the original Conduit ran such programs in Deno, and took {@code export {};} as the sign to.
 * Dynamic {@code import(...)} and {@code import.meta} are expressions, not module syntax, and are left alone.
 */
final class ModuleSyntax {
    private static final Pattern STATEMENT = Pattern.compile("(?m)^[ \\t]*(?:import\\b[ \\t]*[\\w{*\"']|export\\b)");
    private static final Pattern EXPORT = Pattern.compile("(?m)^[ \\t]*export\\b");
    private static final Pattern EMPTY_EXPORT = Pattern.compile("(?m)^[ \\t]*export[ \\t]*\\{[ \\t]*}[ \\t]*;?[ \\t]*$");

    private ModuleSyntax() {
    }

    /** Whether {@code code} has an import or export statement. */
    static boolean present(String code) {
        return STATEMENT.matcher(code).find();
    }

    /**
     * Whether {@code code} has an export statement: nothing to export to, since a program is the body of a function
     * (the Deno engine runs its import statements, at the top of the module that body is in).
     */
    static boolean exports(String code) {
        return EXPORT.matcher(code).find();
    }

    /** {@code code} without its {@code export {};} lines (each replaced by an empty line, so line numbers hold). */
    static String withoutEmptyExports(String code) {
        return EMPTY_EXPORT.matcher(code).replaceAll("");
    }
}
