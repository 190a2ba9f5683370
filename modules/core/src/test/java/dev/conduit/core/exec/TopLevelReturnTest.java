package dev.conduit.core.exec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class TopLevelReturnTest {

    /** Programs that cannot parse as scripts: each has a return or an await outside every function. */
    @ParameterizedTest
    @ValueSource(strings = {
            "return 1;",
            "#!/usr/bin/env node\nreturn 1",
            "const rows = await tools.db.query({sql: 'select 1'});\nreturn rows.length;",
            "let n = 0; for (let i = 0; i < 10; i++) { n += (await tools.a.b({i})).x; } return n;",
            "if (x) { return 1 } else return 2",
            "try { return f() } catch (e) { return 0 } finally { }",
            "for (const r of rows) { if (r.ok) { return r } }",
            "while (true) { break } return 'done'",
            "const f = function () { return 1 }; return f()",
            "const g = (a) => { return a * 2 }; return g(2)",
            "const o = { a() { return 1 }, return: 2, b: x => x }; return o.a() + o.return",
            "class A { m() { return 1 } return() { return 2 } }\nreturn new A().m()",
            "const s = `a ${ {x: 1}.x } b ${`nested ${1}`}`; return s",
            "const re = /[{}\"']return/g; return re.source",
            "const q = a / b / c; return q",
            "const t = (x) / 2; // return in a comment\nreturn t",
            "/* { unbalanced in a comment */ return 1",
            "it.return(); return 1",
            "const x = await 5",
            "for await (const chunk of stream) { }\nawait tools.a.b()",
            "if (a) /x/.test(b); return 1",
            "{ return 1 }",
            "do { x++ } while (x < 3); return x",
    })
    void topLevelReturnOrAwaitIsCertain(String program) {
        assertThat(program, TopLevelReturn.certain(program), is(true));
    }

    /** An engine that rewrites awaits itself (Rhino) asks about returns alone. */
    @ParameterizedTest
    @ValueSource(strings = {"const x = await 5", "await tools.a.b()\n1"})
    void awaitAloneIsNoReturn(String program) {
        assertThat(program, TopLevelReturn.certainReturn(program), is(false));
        assertThat(program, TopLevelReturn.certain(program), is(true));
    }

    /** Programs that parse as scripts, or that the scan cannot tell: never certain. */
    @ParameterizedTest
    @ValueSource(strings = {
            "1 + 1",
            "",
            "const f = function () { return 1 }; f()",
            "const g = (a) => { return a * 2 }; g(2)",
            "function h() { if (x) { return 1 } return 2 } h()",
            "const o = { return: 1 }; o.return",
            "const p = { return() { return 1 } }; p.return()",
            "class A { return() { return 1 } }",
            "class B { if() { return 1 } }",
            "it.return()",
            "x?.return",
            "'return 1'",
            "`return ${1}`",
            "// return 1\n2",
            "/* return 1 */ 2",
            "const re = /return/; re.test('x')",
            "var await = 1; await + 1",
            "var await = [1]; await [0]",
            "function await(x) { return x } await(5)",
            "var await = 1;\nawait\n1",
            "const f = async (x) => await g(x); f(1)",
            "async function k() { await g() } k()",
            "switch (x) { case 1: return 1 }",
            "x = function () {} / 2; return 1",
            "return {",
            "return (",
            "const s = 'unterminated",
            "label: { return 1 }",
            "const o = {a: 1}; o.a / 2",
    })
    void scriptsAndWhatTheScanCannotTellAreNot(String program) {
        assertThat(program, TopLevelReturn.certain(program), is(false));
    }
}
