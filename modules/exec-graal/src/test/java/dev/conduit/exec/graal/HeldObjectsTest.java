package dev.conduit.exec.graal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

/**
 * What a walk of a GraalJS program's objects finds: its globals, its top-level lexical bindings and its running
 * frames' locals, and nothing another context of the same engine holds.
 */
class HeldObjectsTest {
    private static final long MIB = 1024 * 1024;
    private static Engine engine;

    @BeforeAll
    static void start() {
        engine = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
        try (Context fresh = context()) {
            HeldObjects.ofJavaScript(fresh, Thread.currentThread()); // measures what a context holds before a program runs
        }
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static Context context() {
        return Context.newBuilder("js").engine(engine).build();
    }

    @Test
    void countsWhatTheGlobalsHoldAndNotWhatAnotherContextHolds() {
        try (Context holder = context(); Context other = context()) {
            LongUnaryOperator holderWalk = HeldObjects.ofJavaScript(holder, Thread.currentThread());
            LongUnaryOperator otherWalk = HeldObjects.ofJavaScript(other, Thread.currentThread());
            holder.eval("js", "globalThis.rows = []; for (let i = 0; i < 100000; i++) "
                              + "rows.push({id: i, name: 'row-' + i, v: i / 2});");
            long held = holderWalk.applyAsLong(Long.MAX_VALUE);
            assertThat("100,000 records: " + held, held, allOf(greaterThan(5 * MIB), lessThan(40 * MIB)));
            assertThat("another context's walk", otherWalk.applyAsLong(Long.MAX_VALUE), lessThan(MIB));
        }
    }

    @Test
    void countsTopLevelLexicalBindings() {
        try (Context context = context()) {
            LongUnaryOperator walk = HeldObjects.ofJavaScript(context, Thread.currentThread());
            context.eval("js", "const numbers = new Array(1000000).fill(0.5);");
            assertThat(walk.applyAsLong(Long.MAX_VALUE), greaterThan(7 * MIB));
        }
    }

    @Test
    void countsARunningFunctionsLocals() {
        try (Context context = context()) {
            LongUnaryOperator walk = HeldObjects.ofJavaScript(context, Thread.currentThread());
            AtomicLong during = new AtomicLong();
            context.getBindings("js").putMember("measure", (ProxyExecutable) arguments -> {
                during.set(walk.applyAsLong(Long.MAX_VALUE));
                return null;
            });
            context.eval("js", "(function () { const local = new Array(1000000).fill(1.5); measure(); "
                               + "return local.length; })()");
            assertThat("8 MB of doubles in a local: " + during.get(), during.get(), greaterThan(7 * MIB));
            assertThat("once the function returned", walk.applyAsLong(Long.MAX_VALUE), lessThan(MIB));
        }
    }

    /** A Python program's records, in the globals its module-level frame holds, while it runs. */
    @Test
    void countsWhatAPythonProgramHoldsWhileItRuns() {
        try (Context context = Context.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build()) {
            LongUnaryOperator walk = HeldObjects.ofPython(Thread.currentThread());
            AtomicLong during = new AtomicLong();
            context.getBindings("python").putMember("measure", (ProxyExecutable) arguments -> {
                during.set(walk.applyAsLong(Long.MAX_VALUE));
                return null;
            });
            context.eval("python", "scope = {'measure': measure}\n"
                                   + "exec('rows = [{\"id\": i, \"name\": \"row-\" + str(i)} for i in range(100000)]\\n"
                                   + "measure()', scope)\n"
                                   + "del scope");
            assertThat("100,000 records: " + during.get(), during.get(), allOf(greaterThan(5 * MIB), lessThan(60 * MIB)));
            assertThat("once it ended", walk.applyAsLong(Long.MAX_VALUE), lessThan(MIB));
        }
    }

    @Test
    void aWalkStopsPastItsLimit() {
        try (Context context = context()) {
            LongUnaryOperator walk = HeldObjects.ofJavaScript(context, Thread.currentThread());
            context.eval("js", "globalThis.chunks = []; for (let i = 0; i < 64; i++) "
                               + "chunks.push(new Array(131072).fill(i + 0.5));");
            assertThat(walk.applyAsLong(8 * MIB), allOf(greaterThan(8 * MIB), lessThan(12 * MIB)));
        }
    }
}
