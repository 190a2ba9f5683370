package dev.conduit.core.exec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Whether a JavaScript program certainly has a top-level {@code return} or {@code await}, so that it can run only as
 * a function's body (an async one): found by scanning its tokens, without parsing it.
 *
 * <p>Engines run a program as a script first (its last value is the result) and, when that is a syntax error, as the
 * body of an async function. A failed parse is dear: in GraalJS a program of {@code return 1;} took 7 ms against 2 ms
 * for {@code 1}, the failure costing more than the program. Most programs sent to Code Mode do return, so the engines
 * ask this first and go straight to the function's body when it says so.
 *
 * <p>It answers true only when sure: a script cannot have a {@code return} statement outside every function, and in
 * a script {@code await} followed on its line by a name or a literal is a syntax error (two operands in a row). A
 * true answer for a program that parses as a script would change what it returns (the body has no last value), so
 * whatever the scan cannot tell apart makes it answer false, and the engine tries the script first as before: braces
 * it cannot place (an object's or a block's), a {@code /} after a brace it cannot tell is a regular expression or a
 * division, unbalanced brackets, and any {@code await} in a program that names {@code async} (an async arrow function
 * has no braces to show it).
 */
public final class TopLevelReturn {
    /** What a brace opened: a block of statements, a function's body, an object or class body, a template's hole. */
    private enum Brace { BLOCK, FUNCTION, OBJECT, TEMPLATE }

    /** Keywords whose parenthesis a block follows: {@code if (...) {} } is a block, {@code f(...) {} } a body. */
    private static final Set<String> BLOCK_HEADS = Set.of("if", "for", "while", "switch", "catch", "with");
    /** Tokens after which a {@code /} starts a regular expression rather than dividing. */
    private static final Set<String> BEFORE_REGEX = Set.of("return", "typeof", "instanceof", "in", "of", "new",
                                                           "delete", "void", "throw", "case", "do", "else", "yield",
                                                           "await");
    /** Tokens after which a {@code return} starts a statement. */
    private static final Set<String> BEFORE_STATEMENT = Set.of("", ";", "{", "}", ")", "else", "do");
    /** Words after {@code await} that keep it an operand in a script ({@code await in x}). */
    private static final Set<String> OPERATORS = Set.of("in", "instanceof", "of");

    private final String code;
    private int at;
    private final Deque<Brace> braces = new ArrayDeque<>();
    /** For each open parenthesis, the two tokens before it ({@code for await (}). */
    private final Deque<String[]> parens = new ArrayDeque<>();
    private String previous = "";
    /** The token before {@link #previous}. */
    private String beforePrevious = "";
    /** Whether the last {@code )} closed a block's head ({@code if (...)}): a block or a regular expression follows. */
    private boolean closedBlockHead;
    /** What the last {@code }} closed: whether a {@code /} after it divides depends on it. */
    private Brace closedBrace;
    private boolean namesAsync;
    private boolean awaitFound;

    private TopLevelReturn(String code) {
        this.code = code;
    }

    /** Whether {@code code} certainly has a {@code return} or {@code await} outside every function (see above). */
    public static boolean certain(String code) {
        return scan(code, true);
    }

    /**
     * Whether {@code code} certainly has a {@code return} outside every function, whatever its {@code await}s (for an
     * engine that rewrites those itself).
     */
    public static boolean certainReturn(String code) {
        return scan(code, false);
    }

    private static boolean scan(String code, boolean awaits) {
        try {
            TopLevelReturn scan = new TopLevelReturn(code);
            boolean returns = scan.scan();
            return returns || awaits && scan.awaitFound && !scan.namesAsync;
        } catch (Unsure e) {
            return false;
        }
    }

    /** The scan could not tell: the answer is false. */
    private static final class Unsure extends Exception {
        private static final long serialVersionUID = 1L;

        Unsure() {
            super(null, null, false, false);
        }
    }

    /** Scans the whole program; answers whether a top-level return was found ({@link #awaitFound} says the rest). */
    private boolean scan() throws Unsure {
        if (code.startsWith("#!")) {
            skipLine();
        }
        boolean returns = false;
        while (true) {
            skipSpace();
            if (at >= code.length()) {
                break;
            }
            char c = code.charAt(at);
            if (c == '"' || c == '\'') {
                string(c);
                token("\"");
            } else if (c == '`') {
                at++;
                template();
            } else if (Character.isDigit(c) || c == '.' && at + 1 < code.length()
                                                 && Character.isDigit(code.charAt(at + 1))) {
                number();
                token("0");
            } else if (identifierStart(c)) {
                String word = word();
                if (word.equals("return") && topLevel() && BEFORE_STATEMENT.contains(previous)
                    && !nextIs(':')) {
                    returns = true;
                }
                if (word.equals("await") && !braces.contains(Brace.FUNCTION) && !previous.equals(".")
                    && !previous.equals("?.") && operandFollows()) {
                    awaitFound = true;
                }
                namesAsync |= word.equals("async");
                token(word);
            } else if (c == '/') {
                if (regexMayStart()) {
                    regex();
                    token("/re/");
                } else {
                    at++;
                    token("/");
                }
            } else {
                punctuator(c);
            }
        }
        if (!braces.isEmpty() || !parens.isEmpty()) {
            throw new Unsure();
        }
        return returns;
    }

    /** Whether every brace around here is a block: no function's, no object's. */
    private boolean topLevel() {
        for (Brace brace : braces) {
            if (brace != Brace.BLOCK) {
                return false;
            }
        }
        return true;
    }

    private void punctuator(char c) throws Unsure {
        switch (c) {
            case '(' -> {
                parens.push(new String[] {previous, beforePrevious});
                at++;
                token("(");
            }
            case ')' -> {
                if (parens.isEmpty()) {
                    throw new Unsure();
                }
                String[] head = parens.pop();
                closedBlockHead = BLOCK_HEADS.contains(head[0]) || head[0].equals("await") && head[1].equals("for");
                at++;
                token(")");
            }
            case '{' -> {
                braces.push(braceAfter());
                at++;
                token("{");
            }
            case '}' -> {
                if (braces.isEmpty()) {
                    throw new Unsure();
                }
                Brace closed = braces.pop();
                at++;
                if (closed == Brace.TEMPLATE) {
                    template();
                    return;
                }
                token("}");
                closedBrace = closed;
            }
            default -> {
                if (code.startsWith("=>", at) || code.startsWith("++", at) || code.startsWith("--", at)) {
                    token(code.substring(at, at + 2));
                    at += 2;
                } else if (code.startsWith("?.", at) && !(at + 2 < code.length()
                                                          && Character.isDigit(code.charAt(at + 2)))) {
                    at += 2;
                    token("?.");
                } else {
                    at++;
                    token(String.valueOf(c));
                }
            }
        }
    }

    /** What an opening brace opens here, from the token before it. */
    private Brace braceAfter() {
        return switch (previous) {
            case "=>" -> Brace.FUNCTION;
            case ")" -> closedBlockHead ? Brace.BLOCK : Brace.FUNCTION;
            case "", ";", "{", "}", "else", "do", "try", "finally" -> Brace.BLOCK;
            default -> Brace.OBJECT; // an object, a class body, a label's block: nothing here counts as top level
        };
    }

    /** Whether a {@code /} here starts a regular expression; unsure after a brace that is not a block's. */
    private boolean regexMayStart() throws Unsure {
        return switch (previous) {
            case ")" -> closedBlockHead;
            case "", "=>" -> true;
            case "]", "0", "\"", "`", "/re/", "++", "--" -> false;
            case "}" -> {
                if (closedBrace != Brace.BLOCK) {
                    throw new Unsure();
                }
                yield true;
            }
            default -> !identifierStart(previous.charAt(0)) || BEFORE_REGEX.contains(previous);
        };
    }

    private void token(String token) {
        beforePrevious = previous;
        previous = token;
    }

    /** Whether an operand follows on this line: a name (not an operator word), a number, a string, a template. */
    private boolean operandFollows() {
        int i = at;
        while (i < code.length() && (code.charAt(i) == ' ' || code.charAt(i) == '\t')) {
            i++;
        }
        if (i >= code.length()) {
            return false;
        }
        char c = code.charAt(i);
        if (identifierStart(c)) {
            int end = i;
            while (end < code.length() && identifierPart(code.charAt(end))) {
                end++;
            }
            return !OPERATORS.contains(code.substring(i, end));
        }
        return Character.isDigit(c) || c == '"' || c == '\'' || c == '`';
    }

    private boolean nextIs(char wanted) {
        int i = at;
        while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
            i++;
        }
        return i < code.length() && code.charAt(i) == wanted;
    }

    /** Skips spaces, line ends and comments. */
    private void skipSpace() throws Unsure {
        while (at < code.length()) {
            char c = code.charAt(at);
            if (Character.isWhitespace(c) || c == '\u00a0' || c == '\ufeff' || c == '\u2028' || c == '\u2029') {
                at++;
            } else if (code.startsWith("//", at)) {
                skipLine();
            } else if (code.startsWith("/*", at)) {
                int end = code.indexOf("*/", at + 2);
                if (end < 0) {
                    throw new Unsure();
                }
                at = end + 2;
            } else {
                break;
            }
        }
    }

    private void skipLine() {
        while (at < code.length() && code.charAt(at) != '\n') {
            at++;
        }
    }

    private void string(char quote) throws Unsure {
        at++;
        while (at < code.length()) {
            char c = code.charAt(at++);
            if (c == '\\') {
                at++;
            } else if (c == quote) {
                return;
            } else if (c == '\n') {
                throw new Unsure();
            }
        }
        throw new Unsure();
    }

    /** The rest of a template from inside it: to its end, or into a hole (dollar, brace), whose brace is pushed. */
    private void template() throws Unsure {
        while (at < code.length()) {
            char c = code.charAt(at++);
            if (c == '\\') {
                at++;
            } else if (c == '`') {
                token("`");
                return;
            } else if (c == '$' && at < code.length() && code.charAt(at) == '{') {
                at++;
                braces.push(Brace.TEMPLATE);
                token("{");
                return;
            }
        }
        throw new Unsure();
    }

    private void regex() throws Unsure {
        at++;
        boolean inClass = false;
        while (at < code.length()) {
            char c = code.charAt(at++);
            if (c == '\\') {
                at++;
            } else if (c == '\n') {
                throw new Unsure();
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '/') {
                while (at < code.length() && identifierPart(code.charAt(at))) {
                    at++; // flags
                }
                return;
            }
        }
        throw new Unsure();
    }

    private void number() {
        while (at < code.length() && (identifierPart(code.charAt(at)) || code.charAt(at) == '.')) {
            at++;
        }
    }

    private String word() {
        int start = at;
        at++;
        while (at < code.length() && identifierPart(code.charAt(at))) {
            at++;
        }
        return code.substring(start, at);
    }

    private static boolean identifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$' || c == '#' || c == '\\' || c > 0x7f;
    }

    private static boolean identifierPart(char c) {
        return identifierStart(c) || Character.isDigit(c);
    }
}
