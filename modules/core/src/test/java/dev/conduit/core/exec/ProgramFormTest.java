package dev.conduit.core.exec;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.conduit.core.exec.ProgramForm.ASYNC_BODY;
import static dev.conduit.core.exec.ProgramForm.SCRIPT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Which programs await or return at their top level, told from their tokens. */
class ProgramFormTest {

    static Stream<Arguments> forms() {
        return Stream.of(
                // Await or return at the top level, as agents write it.
                Arguments.of("const r = await tools.a.b({}); return r;", ASYNC_BODY),
                Arguments.of("return 1", ASYNC_BODY),
                Arguments.of("let n = 0;\nfor (let i = 0; i < 3; i++) { n += (await f(i)).length; }\nreturn n;", ASYNC_BODY),
                Arguments.of("const r = await (tools.a.b()); console.log(r)", ASYNC_BODY),
                Arguments.of("await\n(x)", ASYNC_BODY),
                Arguments.of("if (ok) { return await f() } else return", ASYNC_BODY),
                Arguments.of("for await (const x of xs) { log(x) }", ASYNC_BODY),
                Arguments.of("`${await f()}`", ASYNC_BODY),
                Arguments.of("const [a, b] = await Promise.all([f(), g()])", ASYNC_BODY),
                Arguments.of("try { await f() } catch (e) { log(e) }", ASYNC_BODY),
                Arguments.of("switch (k) { case 1: return 'one' }", ASYNC_BODY),
                Arguments.of("const f = x => x * 2\nconst y = await f(1)", ASYNC_BODY),
                Arguments.of("items.forEach(x => log(x)); return items.length", ASYNC_BODY),
                Arguments.of("return", ASYNC_BODY),
                // Only inside functions: a script, whose last value is the result.
                Arguments.of("1 + 1", SCRIPT),
                Arguments.of("async function f() { return await g(); }\nf()", SCRIPT),
                Arguments.of("const f = async () => await g(); f()", SCRIPT),
                Arguments.of("const f = async () => { const r = await g(); return r }; f()", SCRIPT),
                Arguments.of("[1, 2].map(async x => await g(x), 0)", SCRIPT),
                Arguments.of("const o = { m() { return 1 }, get v() { return 2 } }; o.m()", SCRIPT),
                Arguments.of("class A { async m() { return await g() } }\nnew A().m()", SCRIPT),
                Arguments.of("(function () { return 1 })()", SCRIPT),
                Arguments.of("function* g() { yield 1; return 2 }\n[...g()]", SCRIPT),
                Arguments.of("const it = { next() { return {done: true} }, return() { return {} } }; it", SCRIPT),
                Arguments.of("const o = { await() { return 1 } }; o.await()", SCRIPT),
                // Named, quoted or commented, not awaited or returned.
                Arguments.of("'await x'; \"return 1\"", SCRIPT),
                Arguments.of("`return ${1}`", SCRIPT),
                Arguments.of("// return 1\n/* await x */ 2", SCRIPT),
                Arguments.of("/return await/.test(s)", SCRIPT),
                Arguments.of("obj.await + obj.return", SCRIPT),
                Arguments.of("obj?.return", SCRIPT),
                Arguments.of("({ await: 1, return: 2 })", SCRIPT),
                Arguments.of("var await = 4; await", SCRIPT),
                Arguments.of("await in o", SCRIPT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void tellsTheForm(String code, ProgramForm expected) {
        assertThat(ProgramForm.of(code), is(expected));
    }
}
