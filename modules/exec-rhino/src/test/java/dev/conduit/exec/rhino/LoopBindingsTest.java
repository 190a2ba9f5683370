package dev.conduit.exec.rhino;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class LoopBindingsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "const out = []; for (let i = 0; i < 3; i++) { const x = i * 10; out.push(x); }",
            "const fs = []; for (let i = 0; i < 3; i++) fs.push(() => i);",
            "let i = 0; while (i < 3) { const y = i; i++; }",
            "do { const once = 1; } while (false);",
            "const fs = []; for (let i = 0; i < 3; i++) { let j = i; fs.push(function () { return j; }); } return fs;",
            // Conservative: the closure here does not outlive its iteration, but telling that apart needs an escape
            // analysis; the program is refused with the reason rather than risk a wrong answer.
            "const out = []; for (let i = 0; i < 3; i++) { (function () { out.push(i); })(); }"})
    void bindingsRhinoRunsWronglyAreFound(String code) {
        assertThat(code, LoopBindings.problem(ProgramSource.of(code)).isPresent(), is(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "const out = []; for (let i = 0; i < 3; i++) { out.push(i); }",
            "let i = 0; while (i < 3) { let y = i * 2; i++; }",
            "for (var i = 0; i < 3; i++) { var x = i; }",
            "for (let i = 0; i < 3; i++) { if (i === 1) { continue; } }",
            "const a = 1; function f() { const b = 2; return a + b; } return f();",
            "this is not javascript"})
    void everythingElseIsLeftAlone(String code) {
        assertThat(code, LoopBindings.problem(ProgramSource.of(code)).isPresent(), is(false));
    }
}
