package dev.conduit.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A JavaScript program as tokens, for the engines that look at a program's shape before they run it (Rhino's
 * {@code await} rewrite, {@link ProgramForm}). Not a parser: strings, template literals, regular expressions and
 * comments are read whole, so nothing inside a literal is ever mistaken for code, and each token keeps the whitespace
 * and comments before it, so the tokens joined give the program back unchanged. Whether a {@code /} opens a regular
 * expression is decided by the token before it, as engines do outside the few cases that need a parse (a regular
 * expression reads to the end of its line at most, so a wrong guess spoils one line).
 *
 * @param tokens   the program's tokens, in order
 * @param trailing the whitespace and comments after the last token
 */
public record JsTokens(List<Token> tokens, String trailing) {
    /**
     * What a token is. A template with no substitution is one {@code TEMPLATE}; one with some is an open part, middle
     * parts and a close.
     */
    public enum Kind { WORD, NUMBER, STRING, REGEX, TEMPLATE, TEMPLATE_OPEN, TEMPLATE_MIDDLE, TEMPLATE_CLOSE, PUNCT }

    /** One token and the whitespace and comments before it. */
    public record Token(Kind kind, String text, String leading) {
        /** Whether this is the punctuator or word {@code value}. */
        public boolean is(String value) {
            return (kind == Kind.PUNCT || kind == Kind.WORD) && text.equals(value);
        }

        /** Whether a line ends between the token before and this one (where JavaScript may insert a semicolon). */
        public boolean newlineBefore() {
            return leading.indexOf('\n') >= 0 || leading.indexOf('\r') >= 0;
        }
    }

    private static final Set<String> REGEX_AFTER_WORDS = Set.of("return", "typeof", "instanceof", "in", "of", "new",
                                                                "delete", "void", "throw", "case", "do", "else",
                                                                "await", "yield");
    private static final String[] PUNCTUATORS = {">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=",
                                                 "??=", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++",
                                                 "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<",
                                                 ">>"};

    public JsTokens {
        tokens = List.copyOf(tokens);
    }

    /** The tokens of {@code source}. */
    public static JsTokens of(String source) {
        return new Reader(source).read();
    }

    /** The token at {@code index}. */
    public Token get(int index) {
        return tokens.get(index);
    }

    /** How many tokens there are. */
    public int size() {
        return tokens.size();
    }

    /**
     * For each opening bracket (parenthesis, square bracket or brace) or template head, the index of its closing
     * partner; 0 when it has none (unbalanced text, which the engine will report).
     */
    public int[] matches() {
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

    /** Reads one program's tokens, left to right. */
    private static final class Reader {
        private final String source;
        private final List<Token> tokens = new ArrayList<>();
        private final List<Boolean> braces = new ArrayList<>(); // true: the brace opened a template substitution
        private int position;

        Reader(String source) {
            this.source = source;
        }

        JsTokens read() {
            while (true) {
                String leading = skipTrivia();
                if (position >= source.length()) {
                    return new JsTokens(tokens, leading);
                }
                char c = source.charAt(position);
                int start = position;
                if (c == '`') {
                    position++;
                    add(templatePart(Kind.TEMPLATE, Kind.TEMPLATE_OPEN), start, leading);
                } else if (c == '}' && !braces.isEmpty() && braces.getLast()) {
                    braces.removeLast();
                    position++;
                    add(templatePart(Kind.TEMPLATE_CLOSE, Kind.TEMPLATE_MIDDLE), start, leading);
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

        /**
         * After an opening backtick or a substitution's closing brace: up to the closing backtick or the next
         * <code>${</code>.
         */
        private Kind templatePart(Kind whole, Kind open) {
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
            position = Math.min(position, source.length());
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
                    break;
                }
            }
            position = Math.min(position, source.length());
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
            position = Math.min(position, source.length());
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
}
