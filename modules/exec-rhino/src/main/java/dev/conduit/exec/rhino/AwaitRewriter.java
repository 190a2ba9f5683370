package dev.conduit.exec.rhino;

import java.util.Set;

import dev.conduit.core.exec.JsTokens;
import dev.conduit.core.exec.JsTokens.Kind;
import dev.conduit.core.exec.JsTokens.Token;

/**
 * Makes agent code written with {@code async}/{@code await} run on Rhino, which parses neither. Rhino runs tool calls
 * synchronously, so {@code await x} becomes {@code __conduit_await(x)}, a call that settles {@code x} on the spot (it
 * runs the microtask queue, returns the value or throws the rejection), and the {@code async} keyword is dropped.
 * Works on tokens ({@link JsTokens}: strings, template literals, regular expressions and comments are read whole), so
 * text inside literals is never touched; line breaks are kept, so Rhino's line numbers stay the guest's own.
 * <p>
 * The operand of {@code await} is a unary expression: prefix operators, then a primary (name, literal, bracketed
 * group, template, function expression), then member accesses, calls and tagged templates. That covers what agents
 * write ({@code await tools.a.b({...})}, {@code await Promise.all([...])}, {@code await (x)}); anything odder is left
 * for Rhino to report as a syntax error.
 */
final class AwaitRewriter {
    /** The settling function the SDK prologue defines. */
    static final String AWAIT_FUNCTION = "__conduit_await";

    private static final Set<String> PREFIX_WORDS = Set.of("typeof", "void", "delete", "await", "new");
    private static final Set<String> PREFIX_PUNCTUATORS = Set.of("!", "~", "+", "-", "++", "--");

    private final JsTokens tokens;

    private AwaitRewriter(JsTokens tokens) {
        this.tokens = tokens;
    }

    /** {@code code} with {@code await} and {@code async} rewritten; unchanged when it uses neither. */
    static String rewrite(String code) {
        if (!code.contains("await") && !code.contains("async")) {
            return code;
        }
        return new AwaitRewriter(JsTokens.of(code)).rewritten(code.length());
    }

    private String rewritten(int length) {
        int size = tokens.size();
        int[] match = tokens.matches();
        boolean[] dropped = new boolean[size];
        boolean[] awaited = new boolean[size];
        int[] closers = new int[size];
        for (int i = 0; i < size; i++) {
            Token token = tokens.get(i);
            if (token.kind() != Kind.WORD || isPropertyName(i)) {
                continue;
            }
            if (token.text().equals("async") && dropsAsync(i, match)) {
                dropped[i] = true;
            } else if (token.text().equals("await") && i + 1 < size) {
                if (i > 0 && tokens.get(i - 1).is("for")) {
                    dropped[i] = true; // for await (... of ...): the values are already settled
                } else {
                    awaited[i] = true;
                    closers[operandEnd(i + 1, match, dropped)]++;
                }
            }
        }
        StringBuilder out = new StringBuilder(length + 32);
        for (int i = 0; i < size; i++) {
            Token token = tokens.get(i);
            boolean operandOfAwait = i > 0 && awaited[i - 1] && !token.newlineBefore();
            out.append(operandOfAwait ? "" : token.leading());
            if (awaited[i]) {
                out.append(AWAIT_FUNCTION).append('(');
            } else if (!dropped[i]) {
                out.append(token.text());
            }
            out.append(")".repeat(closers[i]));
        }
        return out.append(tokens.trailing()).toString();
    }

    private boolean isPropertyName(int i) {
        return i > 0 && (tokens.get(i - 1).is(".") || tokens.get(i - 1).is("?."));
    }

    /** {@code async function}, {@code async x =>}, {@code async (...) =>} and async methods; not a call of {@code async(...)}. */
    private boolean dropsAsync(int i, int[] match) {
        if (i + 1 >= tokens.size() || tokens.get(i + 1).newlineBefore()) {
            return false;
        }
        Token next = tokens.get(i + 1);
        if (next.kind() == Kind.WORD) {
            return !Set.of("in", "of", "instanceof").contains(next.text());
        }
        if (next.is("(") && match[i + 1] > 0 && match[i + 1] + 1 < tokens.size()) {
            return tokens.get(match[i + 1] + 1).is("=>");
        }
        return next.is("*");
    }

    /** The last token of the unary expression that starts at {@code start}. */
    private int operandEnd(int start, int[] match, boolean[] dropped) {
        int size = tokens.size();
        int i = start;
        while (i < size - 1 && (dropped[i] || isPrefix(tokens.get(i)))) {
            i++;
        }
        i = primaryEnd(i, match);
        while (i + 1 < size) {
            Token next = tokens.get(i + 1);
            if ((next.is(".") || next.is("?.")) && i + 2 < size) {
                Token after = tokens.get(i + 2);
                i = after.is("(") || after.is("[") ? groupEnd(i + 2, match) : i + 2;
            } else if (next.is("(") || next.is("[") || next.kind() == Kind.TEMPLATE
                       || next.kind() == Kind.TEMPLATE_OPEN) {
                i = groupEnd(i + 1, match);
            } else if ((next.is("++") || next.is("--")) && !next.newlineBefore()) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean isPrefix(Token token) {
        return token.kind() == Kind.WORD && PREFIX_WORDS.contains(token.text())
               || token.kind() == Kind.PUNCT && PREFIX_PUNCTUATORS.contains(token.text());
    }

    private int primaryEnd(int i, int[] match) {
        Token token = tokens.get(i);
        if (token.is("function")) {
            int j = i + 1;
            while (j < tokens.size() && !tokens.get(j).is("(")) {
                j++; // '*' and the name
            }
            j = groupEnd(j, match) + 1;
            return j < tokens.size() && tokens.get(j).is("{") ? groupEnd(j, match) : j - 1;
        }
        return groupEnd(i, match);
    }

    /** The closing token of the group that opens at {@code i}, or {@code i} itself when it opens none. */
    private int groupEnd(int i, int[] match) {
        if (i >= tokens.size()) {
            return tokens.size() - 1;
        }
        return match[i] > 0 ? match[i] : i;
    }
}
