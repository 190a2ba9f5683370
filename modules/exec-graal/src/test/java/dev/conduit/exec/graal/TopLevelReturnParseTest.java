package dev.conduit.exec.graal;

import java.io.OutputStream;
import java.util.List;

import dev.conduit.core.exec.TopLevelReturn;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * {@link TopLevelReturn} against GraalJS's own parser: whatever it is certain of must fail to parse as a script,
 * since the engine then runs the program as a function's body, where a script would lose its last value.
 */
class TopLevelReturnParseTest {
    private static final List<String> PROGRAMS = List.of(
            "return 1;", "1 + 1", "const f = function () { return 1 }; f()", "const f = function () { return 1 }; return f()",
            "const o = { return: 1, a() { return 2 } }; o.return", "class A { return() { return 1 } }",
            "class B { m() { return 1 } }\nreturn new B().m()", "it.return()", "x?.return", "'return 1'",
            "`return ${1}`", "const re = /return/; re.test('x')", "var await = 1; await + 1", "var await = [1]; await [0]",
            "function await(x) { return x } await(5)", "var await = 1;\nawait\n1", "const x = await 5",
            "const f = async (x) => await g(x); f", "if (x) { return 1 } else return 2", "{ return 1 }",
            "switch (x) { case 1: return 1 }", "for (const r of []) { if (r) { return r } }", "it.return(); return 1",
            "const q = a / b / c; q", "if (a) /x/.test(b); return 1", "const s = `a ${ {x: 1}.x }`; return s",
            "do { x++ } while (x < 3); return x", "let n = 0; for (let i = 0; i < 3; i++) { n += await i } n",
            "var o = { if() { return 1 } }; o.if()", "label: { 1 }", "x = function () {} / 2; 1");

    @Test
    void whatTheScanIsCertainOfIsNoScript() {
        try (Context context = Context.newBuilder("js").out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream()).option("engine.WarnInterpreterOnly", "false").build()) {
            int certain = 0;
            for (String program : PROGRAMS) {
                if (TopLevelReturn.certain(program)) {
                    certain++;
                    boolean parses;
                    try {
                        context.parse(Source.create("js", program));
                        parses = true;
                    } catch (PolyglotException e) {
                        parses = !e.isSyntaxError();
                    }
                    assertThat(program, parses, is(false));
                }
            }
            assertThat("the list has certain programs", certain > 10, is(true));
        }
    }
}
