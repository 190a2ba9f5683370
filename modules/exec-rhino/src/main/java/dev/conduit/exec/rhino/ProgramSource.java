package dev.conduit.exec.rhino;

import java.util.Optional;

import org.mozilla.javascript.CompilerEnvirons;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.Parser;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.ast.AstRoot;

/**
 * A program's text as Rhino runs it: as a script (its last value is the result), or, when it returns at the top level,
 * as the body of a function called at once. Parsed once to tell which, so that neither the loop check nor the compiler
 * fails on a top-level {@code return} before trying the other way (each failed attempt cost a parse and an exception,
 * and agents' programs mostly end with {@code return}).
 *
 * @param text      what Rhino compiles
 * @param firstLine the line number of its first line: 0 for the wrapper, so that the guest's lines keep their numbers
 * @param tree      its syntax tree, empty when it does not parse (the compiler then reports why)
 */
record ProgramSource(String text, int firstLine, Optional<AstRoot> tree) {
    static final String NAME = "program.js";

    static ProgramSource of(String code) {
        try {
            return new ProgramSource(code, 1, Optional.of(parse(code, 1)));
        } catch (EvaluatorException e) {
            if (!"invalid return".equals(e.details())) {
                return new ProgramSource(code, 1, Optional.empty());
            }
        }
        String body = "(function () {\n" + code + "\n})()";
        try {
            return new ProgramSource(body, 0, Optional.of(parse(body, 0)));
        } catch (EvaluatorException e) {
            return new ProgramSource(body, 0, Optional.empty());
        }
    }

    /** The compiled program; a syntax error is the compiler's, as Rhino words it. */
    Script compile(Context context) {
        return context.compileString(text, NAME, firstLine, null);
    }

    private static AstRoot parse(String text, int firstLine) {
        CompilerEnvirons environment = new CompilerEnvirons();
        environment.setLanguageVersion(Context.VERSION_ECMASCRIPT);
        environment.setRecordingComments(false);
        environment.setIdeMode(false);
        return new Parser(environment).parse(text, NAME, firstLine);
    }
}
