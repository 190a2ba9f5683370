package dev.conduit.core.exec;

import java.util.Arrays;
import java.util.Set;

import dev.conduit.core.exec.JsTokens.Kind;
import dev.conduit.core.exec.JsTokens.Token;

/**
 * How a JavaScript program runs: as a script, whose last value is the result, or, when it awaits or returns at its
 * top level, as the body of an async function, whose {@code return} gives the result (docs/code-mode.md). Told from
 * the program's tokens before it runs, so that an engine compiles the right form first.
 * <p>
 * Trying the script first and the body after a syntax error, as the engines did, cost a failed parse per program that
 * awaits (about 80 us in GraalJS, warm), and got one program wrong: {@code await (x)} parses as a script, as a call of a
 * function named {@code await}, and failed at run time with "await is not defined". An engine still tries the other
 * form when the one chosen does not parse, so a wrong guess here costs that failed parse again and nothing more, except
 * in text that is valid both ways with different meanings, which needs {@code await} used as a name.
 */
public enum ProgramForm {
    /** Runs as a script: its last value is the result. */
    SCRIPT,
    /** Runs as the body of an async function: what it returns is the result. */
    ASYNC_BODY;

    /** Words before a parenthesis whose brace opens a block, not a function's body. */
    private static final Set<String> CONTROL = Set.of("if", "for", "while", "switch", "catch", "with");
    /** Words after which {@code await} is a name being declared. */
    private static final Set<String> DECLARING = Set.of("var", "let", "const", "function", "class");
    /** Words after which {@code await} is a name used as an operand. */
    private static final Set<String> OPERATOR_WORDS = Set.of("in", "of", "instanceof");
    /** Punctuators that can start the operand of {@code await}. */
    private static final Set<String> OPERAND_STARTS = Set.of("(", "[", "{", "!", "~", "+", "-", "++", "--");
    /** Words that start a statement: on a line of their own, they end an arrow function's expression body. */
    private static final Set<String> STATEMENT_WORDS = Set.of("const", "let", "var", "if", "for", "while", "do",
                                                              "return", "throw", "try", "switch", "function", "class",
                                                              "await", "break", "continue");

    /** The form {@code javascript} runs in. */
    public static ProgramForm of(String javascript) {
        if (!javascript.contains("await") && !javascript.contains("return")) {
            return SCRIPT;
        }
        JsTokens tokens = JsTokens.of(javascript);
        int[] match = tokens.matches();
        int[] opener = new int[match.length];
        Arrays.fill(opener, -1);
        for (int i = 0; i < match.length; i++) {
            if (match[i] > 0) {
                opener[match[i]] = i;
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.is("=>")) {
                i = arrowBodyEnd(tokens, i, match);
            } else if (token.is("{") && opensFunctionBody(tokens, i, opener)) {
                i = match[i] > 0 ? match[i] : tokens.size();
            } else if (token.kind() == Kind.WORD && !(i > 0 && (tokens.get(i - 1).is(".") || tokens.get(i - 1).is("?.")))
                       && (token.text().equals("await") && awaits(tokens, i, match)
                           || token.text().equals("return") && returns(tokens, i, match))) {
                return ASYNC_BODY;
            }
        }
        return SCRIPT;
    }

    /**
     * Whether the brace at {@code i} opens a function's body: after the parameters of a function, method, getter or
     * setter, not after the condition of {@code if}, {@code for}, {@code while}, {@code switch}, {@code catch} or
     * {@code with}. (An arrow function's body is found from its arrow.)
     */
    private static boolean opensFunctionBody(JsTokens tokens, int i, int[] opener) {
        if (i == 0 || !tokens.get(i - 1).is(")")) {
            return false;
        }
        int open = opener[i - 1];
        if (open <= 0) {
            return open == 0; // -1: unbalanced
        }
        Token owner = tokens.get(open - 1);
        boolean forAwait = owner.is("await") && open >= 2 && tokens.get(open - 2).is("for");
        return !forAwait && !(owner.kind() == Kind.WORD && CONTROL.contains(owner.text()));
    }

    /**
     * The last token of the body of the arrow function whose arrow is at {@code i}: its closing brace, or the end of
     * its expression (before a comma, semicolon or closing bracket of the text around it, or a statement on a line of
     * its own).
     */
    private static int arrowBodyEnd(JsTokens tokens, int i, int[] match) {
        int size = tokens.size();
        if (i + 1 < size && tokens.get(i + 1).is("{")) {
            return match[i + 1] > 0 ? match[i + 1] : size;
        }
        for (int j = i + 1; j < size; j++) {
            Token token = tokens.get(j);
            if (token.is("(") || token.is("[") || token.is("{") || token.kind() == Kind.TEMPLATE_OPEN) {
                if (match[j] == 0) {
                    return size;
                }
                j = match[j];
            } else if (token.is(",") || token.is(";") || token.is(")") || token.is("]") || token.is("}")
                       || j > i + 1 && token.newlineBefore() && token.kind() == Kind.WORD
                          && STATEMENT_WORDS.contains(token.text())) {
                return j - 1;
            }
        }
        return size;
    }

    /** Whether the word {@code await} at {@code i} awaits an operand (rather than naming something). */
    private static boolean awaits(JsTokens tokens, int i, int[] match) {
        if (i > 0 && tokens.get(i - 1).kind() == Kind.WORD && DECLARING.contains(tokens.get(i - 1).text())
            || i + 1 >= tokens.size()) {
            return false;
        }
        if (i > 0 && tokens.get(i - 1).is("for")) {
            return true; // for await (...)
        }
        Token next = tokens.get(i + 1);
        return switch (next.kind()) {
            case WORD -> !OPERATOR_WORDS.contains(next.text());
            case PUNCT -> OPERAND_STARTS.contains(next.text()) && !isMethod(tokens, i + 1, match);
            case NUMBER, STRING, REGEX, TEMPLATE, TEMPLATE_OPEN -> true;
            case TEMPLATE_MIDDLE, TEMPLATE_CLOSE -> false;
        };
    }

    /** Whether the word {@code return} at {@code i} is a return statement (rather than a property or method name). */
    private static boolean returns(JsTokens tokens, int i, int[] match) {
        if (i + 1 >= tokens.size()) {
            return true;
        }
        Token next = tokens.get(i + 1);
        return !next.is(":") && !isMethod(tokens, i + 1, match);
    }

    /**
     * Whether the parenthesis at {@code i} holds the parameters of a method ({@code await() {...}} in an object or a
     * class): a brace follows its partner on the same line.
     */
    private static boolean isMethod(JsTokens tokens, int i, int[] match) {
        return tokens.get(i).is("(") && match[i] > 0 && match[i] + 1 < tokens.size()
               && tokens.get(match[i] + 1).is("{") && !tokens.get(match[i] + 1).newlineBefore();
    }
}
