package dev.conduit.exec.rhino;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Makes agent code written with {@code async}/{@code await} run on Rhino, which parses neither. Rhino runs tool calls
 * synchronously, so {@code await x} becomes {@code __conduit_await(x)}, a call that settles {@code x} on the spot (it
 * runs the microtask queue, returns the value or throws the rejection), and the {@code async} keyword is dropped.
 * Works on tokens (strings, template literals, regular expressions and comments are skipped whole), so text inside
 * literals is never touched; line breaks are kept, so Rhino's line numbers stay the guest's own.
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
    private static final Set<String> REGEX_AFTER_WORDS = Set.of("return", "typeof", "instanceof", "in", "of", "new",
                                                                "delete", "void", "throw", "case", "do", "else",
                                                                "await", "yield");
    private static final String[] PUNCTUATORS = {">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=",
                                                 "??=", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++",
                                                 "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<",
                                                 ">>"};

    private enum Kind { WORD, NUMBER, STRING, REGEX, TEMPLATE, TEMPLATE_OPEN, TEMPLATE_MIDDLE, TEMPLATE_CLOSE, PUNCT }

    /** One token and the whitespace and comments before it. */
    private record Token(Kind kind, String text, String leading) {
        boolean is(String value) {
            return (kind == Kind.PUNCT || kind == Kind.WORD) && text.equals(value);
        }

        boolean newlineBefore() {
            return leading.indexOf('\n') >= 0 || leading.indexOf('\r') >= 0;
        }
    }

    private final String source;
    private final List<Token> tokens = new ArrayList<>();
    private int position;
    private String trailing = "";

    private AwaitRewriter(String source) {
        this.source = source;
    }

    /** {@code code} with {@code await} and {@code async} rewritten; unchanged when it uses neither. */
    static String rewrite(String code) {
        if (!code.contains("await") && !code.contains("async")) {
            return code;
        }
        AwaitRewriter rewriter = new AwaitRewriter(code);
        rewriter.tokenize();
        return rewriter.rewritten();
    }

    private String rewritten() {
        int size = tokens.size();
        int[] match = matches();
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
        StringBuilder out = new StringBuilder(source.length() + 32);
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
        return out.append(trailing).toString();
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

    /** For each opening bracket or template head, the index of its closing partner (0 when it has none). */
    private int[] matches() {
        int[] match = new int[tokens.size()];
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.is("(") || token.is("[") || token.is("{") || token.kind() == Kind.TEMPLATE_OPEN) {
                open.add(i);
            } else if ((token.is(")") || token.is("]") || token.is("}") || token.kind() == Kind.TEMPLATE_CLOSE)
                       && !open.isEmpty()) {
                match[open.removeLast()] = i;
            }
        }
        return match;
    }

    // ---- tokenizer ----

    private void tokenize() {
        List<Boolean> braces = new ArrayList<>(); // true: the brace opened a template substitution
        while (true) {
            String leading = skipTrivia();
            if (position >= source.length()) {
                trailing = leading;
                return;
            }
            char c = source.charAt(position);
            int start = position;
            if (c == '`') {
                position++;
                add(templatePart(Kind.TEMPLATE, Kind.TEMPLATE_OPEN, braces), start, leading);
            } else if (c == '}' && !braces.isEmpty() && braces.getLast()) {
                braces.removeLast();
                position++;
                add(templatePart(Kind.TEMPLATE_CLOSE, Kind.TEMPLATE_MIDDLE, braces), start, leading);
            } else if (c == '\'' || c == '"') {
                skipString(c);
                add(Kind.STRING, start, leading);
            } else if (Character.isDigit(c) || c == '.' && position + 1 < source.length()
                                                && Character.isDigit(source.charAt(position + 1))) {
                skipNumber();
                add(Kind.NUMBER, start, leading);
            } else if (Character.isJavaIdentifierStart(c) || c == '#' || c == '\\') {
                position++;
                while (position < source.length() && (Character.isJavaIdentifierPart(source.charAt(position))
                                                      || source.charAt(position) == '\\')) {
                    position++;
                }
                add(Kind.WORD, start, leading);
            } else if (c == '/' && regexAllowed()) {
                skipRegex();
                add(Kind.REGEX, start, leading);
            } else {
                position += punctuatorLength();
                if (c == '{') {
                    braces.add(false);
                } else if (c == '}' && !braces.isEmpty()) {
                    braces.removeLast();
                }
                add(Kind.PUNCT, start, leading);
            }
        }
    }

    private void add(Kind kind, int start, String leading) {
        tokens.add(new Token(kind, source.substring(start, position), leading));
    }

    private String skipTrivia() {
        int start = position;
        while (position < source.length()) {
            char c = source.charAt(position);
            if (Character.isWhitespace(c) || c == '\u00a0' || c == '\ufeff') {
                position++;
            } else if (source.startsWith("//", position)) {
                while (position < source.length() && source.charAt(position) != '\n') {
                    position++;
                }
            } else if (source.startsWith("/*", position)) {
                int end = source.indexOf("*/", position + 2);
                position = end < 0 ? source.length() : end + 2;
            } else {
                break;
            }
        }
        return source.substring(start, position);
    }

    /** After an opening backtick or a substitution's closing brace: up to the closing backtick or the next <code>${</code>. */
    private Kind templatePart(Kind whole, Kind open, List<Boolean> braces) {
        while (position < source.length()) {
            char c = source.charAt(position);
            if (c == '\\') {
                position += 2;
            } else if (c == '`') {
                position++;
                return whole;
            } else if (c == '$' && position + 1 < source.length() && source.charAt(position + 1) == '{') {
                position += 2;
                braces.add(true);
                return open;
            } else {
                position++;
            }
        }
        return whole;
    }

    private void skipString(char quote) {
        position++;
        while (position < source.length()) {
            char c = source.charAt(position);
            if (c == '\\') {
                position += 2;
                continue;
            }
            position++;
            if (c == quote || c == '\n') {
                return;
            }
        }
    }

    private void skipNumber() {
        boolean radix = source.startsWith("0x", position) || source.startsWith("0X", position)
                        || source.startsWith("0b", position) || source.startsWith("0B", position)
                        || source.startsWith("0o", position) || source.startsWith("0O", position);
        position++;
        while (position < source.length()) {
            char c = source.charAt(position);
            char previous = source.charAt(position - 1);
            boolean exponentSign = (c == '+' || c == '-') && (previous == 'e' || previous == 'E') && !radix;
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign) {
                position++;
            } else {
                return;
            }
        }
    }

    private boolean regexAllowed() {
        if (tokens.isEmpty()) {
            return true;
        }
        Token previous = tokens.getLast();
        return switch (previous.kind()) {
            case PUNCT -> !previous.is(")") && !previous.is("]") && !previous.is("}");
            case WORD -> REGEX_AFTER_WORDS.contains(previous.text());
            case TEMPLATE_OPEN, TEMPLATE_MIDDLE -> true;
            default -> false;
        };
    }

    private void skipRegex() {
        position++;
        boolean inClass = false;
        while (position < source.length()) {
            char c = source.charAt(position);
            if (c == '\\') {
                position += 2;
                continue;
            }
            position++;
            if (c == '\n') {
                return;
            } else if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '/' && !inClass) {
                break;
            }
        }
        while (position < source.length() && Character.isJavaIdentifierPart(source.charAt(position))) {
            position++;
        }
    }

    private int punctuatorLength() {
        for (String punctuator : PUNCTUATORS) {
            if (source.startsWith(punctuator, position)) {
                boolean optionalChainBeforeDigit = punctuator.equals("?.") && position + 2 < source.length()
                                                   && Character.isDigit(source.charAt(position + 2));
                return optionalChainBeforeDigit ? 1 : punctuator.length();
            }
        }
        return 1;
    }
}
