package dev.conduit.core.exec;

import java.util.SplittableRandom;
import java.util.stream.Collectors;

import dev.conduit.core.exec.JsTokens.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/** Tokens give the program back unchanged, whatever it holds, and read literals whole. */
class JsTokensTest {

    /** Literals cut off by the end of the program, some right after a backslash: read to the end, never past it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"const s = 'abc\\", "x = \"unterminated", "t = `a${b", "t = `abc\\", "r = /ab\\",
                            "r = /[/", "/* never closed", "// to the end", "await f()\n", "a\u00a0+ b\ufeff",
                            "0x1F + 1e-5 + .5 + 1_000n", "a?.b ?. c?.[0] + x?.5:1"})
    void joinedTokensGiveTheProgramBack(String code) {
        JsTokens tokens = JsTokens.of(code);
        String joined = tokens.tokens().stream().map(token -> token.leading() + token.text())
                .collect(Collectors.joining()) + tokens.trailing();
        assertThat(joined, is(code));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x = 'a // b' + `c ${'}'} d` + /e\\/f/g"})
    void literalsAreReadWhole(String code) {
        assertThat(JsTokens.of(code).tokens().stream().map(token -> token.kind()).toList(),
                   contains(Kind.WORD, Kind.PUNCT, Kind.STRING, Kind.PUNCT, Kind.TEMPLATE_OPEN, Kind.STRING,
                            Kind.TEMPLATE_CLOSE, Kind.PUNCT, Kind.REGEX));
    }

    /**
     * Any text at all, here 20,000 programs made of JavaScript's pieces in random order (seeded, so a failure repeats):
     * the tokens give it back and {@link ProgramForm} answers, since both run on every program before its engine does,
     * where an exception would be an internal error instead of the engine's syntax error.
     */
    @Test
    void anyTextIsReadWithoutFailing() {
        String[] pieces = {"await", "return", "async", "function", "=>", "(", ")", "{", "}", "[", "]", "`", "${", "'",
                           "\"", "\\", "/", "//", "/*", "*/", "\n", " ", ";", ",", ".", "?.", ":", "x", "1", "for",
                           "if", "class", "get", "=", "+", "*", "0x", "e", "-"};
        SplittableRandom random = new SplittableRandom(20261204);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder code = new StringBuilder();
            for (int k = random.nextInt(1, 24); k > 0; k--) {
                code.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = code.toString();
            JsTokens tokens = JsTokens.of(text);
            String joined = tokens.tokens().stream().map(token -> token.leading() + token.text())
                    .collect(Collectors.joining()) + tokens.trailing();
            assertThat(text, joined, is(text));
            ProgramForm.of(text);
        }
    }
}
