package dev.conduit.core.exec;

import java.util.ArrayList;
import java.util.List;

import dev.conduit.core.exec.JsTokens.Kind;
import dev.conduit.core.exec.JsTokens.Token;

/**
 * A program's static import declarations ({@code import { createHash } from "node:crypto";}) taken out of it: Deno's
 * runner puts them at the top of the module whose body is the program, where alone they are valid (inside the async
 * function every program runs in they are a syntax error). The program keeps its line numbers: each declaration
 * leaves its line ends behind. What may be imported is Deno's to decide: its built-in
 * modules ({@code node:*}) load, files, URLs and packages are refused for want of a permission.
 *
 * @param declarations the declarations, each on one line ending in a semicolon; empty when there are none
 * @param body         the program without them
 */
public record StaticImports(String declarations, String body) {
    /** The import declarations at the top level of {@code code}, and the code without them. */
    public static StaticImports of(String code) {
        if (!code.contains("import")) {
            return new StaticImports("", code);
        }
        JsTokens tokens = JsTokens.of(code);
        int[] match = tokens.matches();
        List<int[]> found = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.is("(") || token.is("[") || token.is("{") || token.kind() == Kind.TEMPLATE_OPEN) {
                if (match[i] == 0) {
                    break; // unbalanced: the engine reports it
                }
                i = match[i]; // nothing inside brackets is at the top level
            } else if (token.is("import") && startsStatement(tokens, i)) {
                int end = declarationEnd(tokens, i, match);
                if (end > i) {
                    found.add(new int[] {i, end});
                    i = end;
                }
            }
        }
        if (found.isEmpty()) {
            return new StaticImports("", code);
        }
        StringBuilder declarations = new StringBuilder();
        StringBuilder body = new StringBuilder();
        int next = 0;
        for (int[] declaration : found) {
            for (int i = next; i < declaration[0]; i++) {
                body.append(tokens.get(i).leading()).append(tokens.get(i).text());
            }
            for (int i = declaration[0]; i <= declaration[1]; i++) {
                Token token = tokens.get(i);
                // What comes before the declaration stays; within it, its line ends, so the lines keep their numbers.
                body.append(i == declaration[0] ? token.leading() : token.leading().replaceAll("[^\n]", ""));
                declarations.append(i == declaration[0] || token.is(";") ? "" : " ").append(token.text());
            }
            if (!tokens.get(declaration[1]).is(";")) {
                declarations.append(';');
            }
            declarations.append(' ');
            next = declaration[1] + 1;
        }
        for (int i = next; i < tokens.size(); i++) {
            body.append(tokens.get(i).leading()).append(tokens.get(i).text());
        }
        return new StaticImports(declarations.toString(), body.append(tokens.trailing()).toString());
    }

    /** Whether the program has any. */
    public boolean any() {
        return !declarations.isEmpty();
    }

    /** Whether the word at {@code i} begins a statement: first, or after a semicolon, a brace or a line end. */
    private static boolean startsStatement(JsTokens tokens, int i) {
        if (i == 0) {
            return true;
        }
        Token before = tokens.get(i - 1);
        return before.is(";") || before.is("}") || tokens.get(i).newlineBefore();
    }

    /**
     * The last token of the import declaration whose {@code import} is at {@code start}: its semicolon, else its
     * module's name or the attributes after it ({@code with { type: "json" }}); {@code start} when it is no declaration
     * ({@code import(...)}, {@code import.meta}, TypeScript's {@code import x = require(...)}).
     */
    private static int declarationEnd(JsTokens tokens, int start, int[] match) {
        int size = tokens.size();
        if (start + 1 >= size || tokens.get(start + 1).is("(") || tokens.get(start + 1).is(".")) {
            return start;
        }
        int name = -1;
        if (tokens.get(start + 1).kind() == Kind.STRING) {
            name = start + 1; // import "module";
        } else {
            for (int j = start + 1; j < size && name < 0; j++) {
                Token token = tokens.get(j);
                if (token.is("{")) {
                    if (match[j] == 0) {
                        return start;
                    }
                    j = match[j];
                } else if (token.is("from") && j + 1 < size && tokens.get(j + 1).kind() == Kind.STRING) {
                    name = j + 1;
                } else if (token.is("=") || token.is(";") || token.is("(")) {
                    return start;
                }
            }
        }
        if (name < 0) {
            return start;
        }
        int end = name;
        if (end + 2 < size && (tokens.get(end + 1).is("with") || tokens.get(end + 1).is("assert"))
            && tokens.get(end + 2).is("{") && match[end + 2] > 0) {
            end = match[end + 2];
        }
        return end + 1 < size && tokens.get(end + 1).is(";") ? end + 1 : end;
    }
}
