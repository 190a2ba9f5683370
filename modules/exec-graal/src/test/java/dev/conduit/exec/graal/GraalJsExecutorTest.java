package dev.conduit.exec.graal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.ContractPrograms;
import dev.conduit.core.testing.RecordingBridge;
import dev.conduit.core.testing.ExecutorContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

class GraalJsExecutorTest extends ExecutorContract {
    private static final GraalJsExecutor EXECUTOR = GraalJsExecutor.start();

    @Override
    protected Executor executor() {
        return EXECUTOR;
    }

    @Override
    protected ContractPrograms programs() {
        return ContractPrograms.JAVASCRIPT;
    }

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    /** Objects are printed as Node and Deno print them; GraalJS's own console printed "[object Object]". */
    @Test
    void objectsArePrintedAsInNode() throws Exception {
        ExecutionOutcome outcome = run("console.log({a: 1, 'b-c': [1, 'two']}, new Map([['k', 1]]), new Set(), null, "
                                       + "undefined, () => 1, new Date(0), [[[[1]]]])");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("{ a: 1, 'b-c': [ 1, 'two' ] } Map(1) { 'k' => 1 } Set(0) {} null undefined "
                                        + "[Function (anonymous)] 1970-01-01T00:00:00.000Z [ [ [ [Array] ] ] ]\n"));
    }

    @Test
    void typescriptRunsWithItsTypeSyntax() throws Exception {
        RecordingBridge bridge = new RecordingBridge(10);
        ExecutionOutcome outcome = run("""
                interface Point { x: number; y?: number }
                enum Color { Red, Green = 5, Blue }
                type Pair<T> = [T, T];
                function first<T>(pair: Pair<T>): T { return pair[0]; }
                const p: Point = { x: 3 } as Point;
                const echoed = await tools.test.echo({ value: p.x }) as { value: number };
                const total: number = first<number>([echoed.value, 0]) + Color.Blue;
                console.log(`total ${total}`);
                return total;""", Language.TYPESCRIPT, LIMITS, bridge);
        assertThat(outcome.stderr(), outcome instanceof ExecutionOutcome.Completed, is(true));
        assertThat(outcome.stdout(), is("total 9\n"));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("9"));
    }

    /**
     * A namespace that holds values is refused with a message that says what to do: the type stripper drops every
     * namespace, and the program failed later with "ReferenceError: N is not defined". Type-only ones stay fine.
     */
    @Test
    void aTypeScriptNamespaceHoldingValuesIsRefusedNotDropped() throws Exception {
        ExecutionOutcome refused = run("namespace Shapes {\n  export const sides = 4;\n  export type Kind = 'square';\n}\n"
                                       + "return Shapes.sides;", Language.TYPESCRIPT, LIMITS, new RecordingBridge(1));
        assertThat(refused.toString(), refused instanceof ExecutionOutcome.GuestError, is(true));
        assertThat(refused.stderr(), allOf(startsWith("SyntaxError: TypeScript namespace Shapes holds values"),
                                           containsString("deno")));
        ExecutionOutcome types = run("namespace Shapes {\n  export type Kind = 'square';\n  export interface S { n: number }"
                                     + "\n}\nconst k: Shapes.Kind = 'square';\nreturn k;", Language.TYPESCRIPT, LIMITS,
                                     new RecordingBridge(1));
        assertThat(types.stderr(), ((ExecutionOutcome.Completed) types).resultJson().orElseThrow(), is("\"square\""));
    }

    @Test
    void typescriptErrorsPointAtTheirLine() throws Exception {
        ExecutionOutcome syntax = run("const a: number = 1;\nconst b: = 2;", Language.TYPESCRIPT, LIMITS,
                                      new RecordingBridge(1));
        assertThat(syntax.toString(), syntax instanceof ExecutionOutcome.GuestError, is(true));
        assertThat(syntax.stderr(), allOf(startsWith("SyntaxError: Unexpected token"),
                                          not(containsString("SyntaxError: SyntaxError"))));
        assertThat(syntax.stderr(), containsString("2:"));
        ExecutionOutcome thrown = run("const n: number = 1;\n\nthrow new Error('on line three');", Language.TYPESCRIPT,
                                      LIMITS, new RecordingBridge(1));
        assertThat(thrown.stderr(), containsString(":3:"));
    }

    /**
     * The context that replaces the one a program took is made once the program is over, not beside it: made
     * meanwhile, it competed with the program for the cores. (Unless the program took the last one.)
     */
    @Test
    void theReplacementIsMadeOnceTheProgramIsOver() throws Exception {
        run("return 1"); // the pool is full and warm once this one's replacement is made
        EXECUTOR.usedContextsClosed().get(60, TimeUnit.SECONDS);
        int full = EXECUTOR.pooled().getAsInt();
        List<Integer> pooledMeanwhile = new ArrayList<>();
        RecordingBridge watching = new RecordingBridge(10, () -> {
            EXECUTOR.usedContextsClosed().join(); // whatever the pool's thread was asked to do by now
            pooledMeanwhile.add(EXECUTOR.pooled().getAsInt());
        });
        ExecutionOutcome outcome = run("return (await tools.test.echo({n: 1})).n", LIMITS, watching);
        assertThat(outcome.toString(), ((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("1"));
        assertThat("one context fewer while the program ran", pooledMeanwhile, is(List.of(full - 1)));
        EXECUTOR.usedContextsClosed().get(60, TimeUnit.SECONDS);
        assertThat("refilled after", EXECUTOR.pooled().getAsInt(), is(full));
    }

    /** A promise nothing is left to settle fails with a message that says so (it used to complete with no result). */
    @Test
    void aPromiseNothingCanSettleIsAGuestError() throws Exception {
        ExecutionOutcome outcome = run("await new Promise(() => {}); return 1;");
        assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.GuestError error
                                       && error.message().contains("a promise that nothing is left to settle"), is(true));
    }

    @Test
    void hostIsOutOfReach() throws Exception {
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) run("""
                [typeof Java, typeof Packages, typeof Polyglot, typeof load, typeof print, typeof Graal,
                 typeof globalThis.__conduit, Object.keys(globalThis).join(',')]""");
        assertThat(completed.resultJson().orElseThrow(),
                   is("[\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\","
                      + "\"undefined\",\"\"]"));
    }
}
