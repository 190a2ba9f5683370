package dev.conduit.exec.rhino;

import org.junit.jupiter.api.Test;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.ScriptableObject;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A program is parsed once to tell a script from a body that returns; what it runs and reports stays Rhino's. */
class ProgramSourceTest {

    @Test
    void aScriptRunsAsWrittenAndLeavesItsLastValue() {
        ProgramSource program = ProgramSource.of("var a = 20;\na + 22");
        assertThat(program.text(), is("var a = 20;\na + 22"));
        assertThat(program.firstLine(), is(1));
        assertThat(program.tree().isPresent(), is(true));
        assertThat(run(program), is(42.0));
    }

    @Test
    void aTopLevelReturnRunsAsAFunctionBodyWithItsLinesNumberedAsWritten() {
        ProgramSource program = ProgramSource.of("var a = 1;\nreturn a + 41;");
        assertThat(program.firstLine(), is(0));
        assertThat(program.tree().isPresent(), is(true));
        assertThat(run(program), is(42.0));

        EvaluatorException error = assertThrows(EvaluatorException.class,
                                                () -> compile(ProgramSource.of("var a = 1;\nreturn a +;")));
        assertThat("the guest's own line", error.lineNumber(), is(2));
    }

    @Test
    void aSyntaxErrorHasNoTreeAndIsTheCompilersToReport() {
        ProgramSource program = ProgramSource.of("var = 1;");
        assertThat(program.tree().isPresent(), is(false));
        assertThat(program.firstLine(), is(1));
        EvaluatorException error = assertThrows(EvaluatorException.class, () -> compile(program));
        assertThat(error.lineNumber(), is(1));
    }

    private static Object run(ProgramSource program) {
        try (Context context = Context.enter()) {
            context.setInterpretedMode(true);
            context.setLanguageVersion(Context.VERSION_ECMASCRIPT);
            ScriptableObject scope = context.initSafeStandardObjects();
            return program.compile(context).exec(context, scope, scope);
        }
    }

    private static void compile(ProgramSource program) {
        try (Context context = Context.enter()) {
            context.setInterpretedMode(true);
            context.setLanguageVersion(Context.VERSION_ECMASCRIPT);
            program.compile(context);
        }
    }
}
