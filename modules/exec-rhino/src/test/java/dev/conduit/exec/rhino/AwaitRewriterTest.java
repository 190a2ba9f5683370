package dev.conduit.exec.rhino;

import java.util.stream.Stream;

import dev.conduit.core.testing.RandomJavaScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/** The async/await rewrite, token by token: what changes, and what inside literals and comments never does. */
class AwaitRewriterTest {

    static Stream<Arguments> rewrites() {
        return Stream.of(
                Arguments.of("await tools.a.b({x: 1});", "__conduit_await(tools.a.b({x: 1}));"),
                Arguments.of("const r = await tools.$raw('a__b', {});", "const r = __conduit_await(tools.$raw('a__b', {}));"),
                Arguments.of("(await f()).x + 1", "(__conduit_await(f())).x + 1"),
                Arguments.of("await f() + await g()", "__conduit_await(f()) + __conduit_await(g())"),
                Arguments.of("await await x", "__conduit_await(__conduit_await(x))"),
                Arguments.of("await Promise.all([a(), b()])", "__conduit_await(Promise.all([a(), b()]))"),
                Arguments.of("await a?.b?.(1)[2]", "__conduit_await(a?.b?.(1)[2])"),
                Arguments.of("await new Promise(r => r(1))", "__conduit_await(new Promise(r => r(1)))"),
                Arguments.of("await tag`x${y}z`", "__conduit_await(tag`x${y}z`)"),
                Arguments.of("x = await -y", "x = __conduit_await(-y)"),
                Arguments.of("if (await ok()) {}", "if (__conduit_await(ok())) {}"),
                Arguments.of("return await (async () => 1)()", "return __conduit_await(( () => 1)())"),
                Arguments.of("async function f() { return await g(); }", " function f() { return __conduit_await(g()); }"),
                Arguments.of("const f = async (a) => a", "const f =  (a) => a"),
                Arguments.of("const f = async a => a", "const f =  a => a"),
                Arguments.of("const o = { async m() { await x } }", "const o = {  m() { __conduit_await(x) } }"),
                Arguments.of("for await (const x of xs) {}", "for  (const x of xs) {}"),
                Arguments.of("`${await f()}!`", "`${__conduit_await(f())}!`"),
                Arguments.of("await (function () { return 1 })()", "__conduit_await((function () { return 1 })())"),
                Arguments.of("await function () { return 1 }", "__conduit_await(function () { return 1 })"),
                // Left alone: literals, comments, property names, a function called async.
                Arguments.of("'await x'", "'await x'"),
                Arguments.of("\"async function\"", "\"async function\""),
                Arguments.of("`await ${1}`", "`await ${1}`"),
                Arguments.of("// await x\n1", "// await x\n1"),
                Arguments.of("/* async */ 1", "/* async */ 1"),
                Arguments.of("/await x/.test(s)", "/await x/.test(s)"),
                Arguments.of("a / b / await c", "a / b / __conduit_await(c)"),
                Arguments.of("obj.await; obj.async", "obj.await; obj.async"),
                Arguments.of("async(1, 2)", "async(1, 2)"),
                Arguments.of("plain code", "plain code"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void rewrites(String code, String expected) {
        assertThat(AwaitRewriter.rewrite(code), is(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void keepsLineBreaks(String code, String ignored) {
        String multiline = "\n" + code.replace(" ", "\n") + "\n";
        assertThat(AwaitRewriter.rewrite(multiline).lines().count(), is(multiline.lines().count()));
    }

    /**
     * Any text at all (20,000 random programs of JavaScript's pieces, seeded): the rewrite answers, and Rhino gets to
     * report what is wrong. Before the token reader moved to core, a program cut off after a backslash in a literal
     * made it read past the end: an internal error instead of Rhino's syntax error. (Lines are kept for programs that
     * parse, {@link #keepsLineBreaks}; an unterminated string awaited at the end of a line may gain one.)
     */
    @Test
    void anyTextIsRewrittenWithoutFailing() {
        RandomJavaScript.programs(20261204, 20_000).forEach(text -> assertThat(
                text, AwaitRewriter.rewrite(text).lines().count(), greaterThanOrEqualTo(text.lines().count())));
    }
}
