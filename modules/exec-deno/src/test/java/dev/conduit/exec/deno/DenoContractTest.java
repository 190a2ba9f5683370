package dev.conduit.exec.deno;

import java.nio.file.Path;
import java.util.Optional;

import dev.conduit.core.spi.Executor;
import dev.conduit.core.testing.ContractPrograms;
import dev.conduit.core.testing.ExecutorContract;
import dev.conduit.core.spi.ExecutionOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** The executor contract, held by Deno with the same JavaScript programs as GraalJS and Rhino. */
class DenoContractTest extends ExecutorContract {
    private static final DenoExecutor EXECUTOR = new DenoExecutor(new DenoSettings(
            Optional.of(Path.of(System.getProperty("conduit.deno.binary"))), 2, 8,
            DenoSettings.DEFAULT_POOL_MEMORY_MB, DenoSettings.DEFAULT_CPU_BACKSTOP));

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    /** A program with a top-level return runs as the body of an async function in a module: strict. */
    @Test
    void aProgramWithATopLevelReturnIsStrict() throws Exception {
        ExecutionOutcome outcome = run("const self = (function () { return this; })();\nreturn self === undefined;");
        assertThat(outcome.stderr(), outcome, is(new ExecutionOutcome.Completed("", "", Optional.of("true"))));
    }

    /** TypeScript with a top-level return and await runs. */
    @Test
    void typeScriptWithATopLevelReturnRuns() throws Exception {
        ExecutionOutcome outcome = run("const n: number = await Promise.resolve(21);\nreturn n * 2;");
        assertThat(outcome.stderr(), outcome, is(new ExecutionOutcome.Completed("", "", Optional.of("42"))));
    }

    /** The frames of a program with a top-level return are the program's, by its own line numbers, and no others. */
    @Test
    void anErrorInAProgramWithATopLevelReturnShowsItsOwnFrames() throws Exception {
        ExecutionOutcome outcome = run("function fail() {\n  throw new Error(\"boom\");\n}\nfail();\nreturn 1;");
        assertThat(outcome.toString(), outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), containsString("Error: boom"));
        assertThat(outcome.stderr(), containsString("at fail (program.ts:2:"));
        assertThat("none of the module's URL is left", outcome.stderr(), not(containsString("%")));
        assertThat(outcome.stderr(), not(containsString("runner")));
    }

    /** A script's frames are the program's: not the eval that runs it ("at eval (<anonymous>)" was left in). */
    @Test
    void anErrorInAScriptShowsOnlyItsOwnFrames() throws Exception {
        ExecutionOutcome outcome = run("function fail() {\n  throw new Error(\"boom\");\n}\nfail();");
        assertThat(outcome.toString(), outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), is("Error: boom\n    at fail (program.js:2:9)\n    at program.js:4:1\n"));
    }

    /**
     * The stack a program reads itself names its own frames, as a Deno process of its own would: V8's text named the
     * runner's temporary path, its eval and its frames. TypeScript lines are the program's (source-mapped).
     */
    @Test
    void theStackAProgramReadsIsItsOwn() throws Exception {
        ExecutionOutcome script = run("function fail() {\n  throw new Error(\"boom\");\n}\n"
                                      + "try { fail(); } catch (e) { console.log(e.stack); }");
        assertThat(script.stderr(), script.stdout(), is("Error: boom\n    at fail (program.js:2:9)\n    at program.js:4:7\n"));
        ExecutionOutcome module = run("interface Shape {\n  sides: number;\n}\nclass Box {\n  constructor(s: Shape) {\n"
                                      + "    throw new TypeError(\"no \" + s.sides);\n  }\n}\n"
                                      + "try { new Box({sides: 4}); } catch (e) { console.log(e.stack); }\nreturn 1;");
        assertThat(module.stderr(), module.stdout(),
                   is("TypeError: no 4\n    at new Box (program.ts:6:11)\n    at program.ts:9:7\n"));
    }

    /**
     * Static imports of Deno's built-in modules run, at the top of the module the program's body is in, and the lines
     * after them keep their numbers; `process` loads (its start-up read Deno.execPath and Deno.cwd, which the runner
     * refused, so every program that touched it failed). Files stay out of reach.
     */
    @Test
    void staticImportsOfBuiltInModulesRun() throws Exception {
        ExecutionOutcome outcome = run("""
                import { createHash } from "node:crypto";
                import {
                  Buffer, // a comment inside
                } from "node:buffer"
                console.log(process.execPath, Buffer.from("hi").toString("base64"));
                return createHash("sha256").update("a").digest("hex");""");
        assertThat(outcome.stderr(), outcome, is(new ExecutionOutcome.Completed("deno aGk=\n", "", Optional.of(
                "\"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb\""))));
        ExecutionOutcome failed = run("import { readFileSync } from \"node:fs\";\n\nreadFileSync(\"/etc/passwd\");");
        assertThat(failed.toString(), failed, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(failed.stderr(), containsString("NotCapable: Requires read access to \"/etc/passwd\""));
        assertThat("the line number is the program's own", failed.stderr(), containsString("program.ts:3:"));
    }

    @Override
    protected Executor executor() {
        return EXECUTOR;
    }

    /** Fewer: each program takes a process of its own. */
    @Override
    protected int stoppedAsItStartsRuns() {
        return 100;
    }

    @Override
    protected ContractPrograms programs() {
        return ContractPrograms.JAVASCRIPT;
    }
}
