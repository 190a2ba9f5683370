package dev.conduit.core.exec;

import java.util.stream.Collectors;

import dev.conduit.core.exec.JsTokens.Kind;
import dev.conduit.core.testing.RandomJavaScript;
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
     * Any text at all (20,000 random programs of JavaScript's pieces): the tokens give it back and {@link ProgramForm}
     * answers, since both run on every program before its engine does, where an exception would be an internal error
     * instead of the engine's syntax error.
     */
    @Test
    void anyTextIsReadWithoutFailing() {
        RandomJavaScript.programs(20261204, 20_000).forEach(text -> {
            JsTokens tokens = JsTokens.of(text);
            String joined = tokens.tokens().stream().map(token -> token.leading() + token.text())
                    .collect(Collectors.joining()) + tokens.trailing();
            assertThat(text, joined, is(text));
            ProgramForm.of(text);
        });
    }
}
