package dev.conduit.exec.rhino;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.exec.Reachable;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Language;
import dev.conduit.core.spi.ToolBridge;
import dev.conduit.core.testing.RecordingBridge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Scopes made ahead serve the execution that takes them and no other: each program's tool calls reach its own
 * bridge, and what one program leaves in its global scope is not seen by the next.
 */
class RhinoPoolTest {
    private static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(10), Duration.ofSeconds(5),
                                                                      64L * 1024 * 1024, 64 * 1024, 100, 10,
                                                                      64 * 1024);

    /**
     * Walks what a program reaches from its global object (properties, accessors, prototypes) and names the functions
     * that do not descend from its own {@code Function.prototype} (at most five).
     */
    private static final String FUNCTIONS_OF_OTHER_SCOPES = """
            var seen = new Set(), queue = [[globalThis, 'globalThis']], strange = [], ownFn = Function.prototype;
            while (queue.length && seen.size < 20000) {
              var item = queue.shift(), o = item[0], path = item[1];
              try { typeof o; o === null; } catch (e) { continue; } // a host value the guest cannot hold
              if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
              seen.add(o);
              var proto;
              try { proto = Object.getPrototypeOf(o); } catch (e) { continue; }
              var up = proto;
              while (up && up !== ownFn) up = Object.getPrototypeOf(up);
              if (typeof o === 'function' && o !== ownFn && !up && proto !== null && strange.length < 5) {
                strange.push(path);
              }
              queue.push([proto, path + '.__proto__']);
              var names;
              try { names = Object.getOwnPropertyNames(o); } catch (e) { continue; }
              names.forEach(function (n) {
                var d;
                try { d = Object.getOwnPropertyDescriptor(o, n); } catch (e) { return; }
                if (!d) return;
                if ('value' in d) queue.push([d.value, path + '.' + n]);
                if (d.get) queue.push([d.get, path + '.get ' + n]);
                if (d.set) queue.push([d.set, path + '.set ' + n]);
              });
            }
            return seen.size > 300 ? 'walked; elsewhere: ' + strange.join(';') : 'walked only ' + seen.size;""";

    private final RhinoExecutor executor = new RhinoExecutor();
    private final ExecutorService guests = Executors.newSingleThreadExecutor(Thread.ofPlatform().factory());

    @Test
    void aScopeMadeAheadServesOnlyTheExecutionThatTakesIt() throws Exception {
        RecordingBridge first = new RecordingBridge(10);
        ExecutionOutcome one = run("globalThis.left = 'behind'; return (await tools.test.echo({n: 1})).n", first);
        assertThat(one.toString(), one, is(new ExecutionOutcome.Completed("", "", Optional.of("1"))));
        executor.refilled().get(30, TimeUnit.SECONDS);
        assertThat(executor.pooled().getAsInt(), is(2));
        RecordingBridge second = new RecordingBridge(10);
        ExecutionOutcome two = run("console.log(typeof left); return (await tools.test.echo({n: 2})).n", second);
        assertThat(two.toString(), two, is(new ExecutionOutcome.Completed("undefined\n", "", Optional.of("2"))));
        assertThat(first.seen(), is(List.of("test__echo {\"n\":1}")));
        assertThat(second.seen(), is(List.of("test__echo {\"n\":2}")));
    }

    /**
     * A scope waiting in the pool reaches nothing of a program that ran before it: two scopes made in one Rhino context
     * shared that context's cached objects (the thrower of a strict function's {@code caller}, with the prototype of
     * the first scope), so the scope waiting kept the other's program, and all it held, reachable after it ended.
     */
    @Test
    void aScopeMadeAheadReachesNothingOfTheProgramBefore() throws Exception {
        assumeTrue(Reachable.AVAILABLE, "walks of objects are off on this JDK");
        fillThePool();
        ExecutionOutcome kept = run("globalThis.kept = []; "
                                    + "for (var i = 0; i < 8; i++) kept.push(new Uint8Array(1 << 20)); "
                                    + "return kept.length", new RecordingBridge(10));
        assertThat(kept.toString(), kept, is(new ExecutionOutcome.Completed("", "", Optional.of("8"))));
        executor.refilled().get(30, TimeUnit.SECONDS);
        List<Long> reach = executor.pooledReach(64L * 1024 * 1024);
        assertThat(reach.size(), is(2));
        for (long bytes : reach) {
            // A scope and its SDK come to a few hundred KB; the program's buffers alone were 8 MB.
            assertThat(reach.toString(), bytes, lessThan(4L * 1024 * 1024));
        }
    }

    /**
     * Every function a program can reach from its global object (properties, accessors, prototypes) descends from its
     * own scope's {@code Function.prototype}: none leads to another scope, where another program ran. (Rhino caches
     * some objects per context, with the prototype of the scope they were first made for; scopes made ahead each get
     * a context of their own, and what a program's runtime makes comes from its execution's context.)
     */
    @Test
    void everyFunctionAProgramReachesIsOfItsOwnScope() throws Exception {
        fillThePool();
        ExecutionOutcome first = run("globalThis.secret = 'first'; return 1", new RecordingBridge(10));
        assertThat(first.toString(), first, is(new ExecutionOutcome.Completed("", "", Optional.of("1"))));
        ExecutionOutcome second = run(FUNCTIONS_OF_OTHER_SCOPES, new RecordingBridge(10));
        assertThat(second.toString(), second,
                   is(new ExecutionOutcome.Completed("", "", Optional.of("\"walked; elsewhere: \""))));
    }

    /**
     * The scope that replaces the one a program took is made once the program is over, not beside it: made meanwhile,
     * it competed with the program for the cores. (Unless the program took the last one.)
     */
    @Test
    void theReplacementIsMadeOnceTheProgramIsOver() throws Exception {
        fillThePool();
        List<Integer> pooledMeanwhile = new ArrayList<>();
        RecordingBridge watching = new RecordingBridge(10, () -> {
            executor.refilled().join(); // whatever the pool's thread was asked to do by now
            pooledMeanwhile.add(executor.pooled().getAsInt());
        });
        ExecutionOutcome outcome = run("return (await tools.test.echo({n: 1})).n", watching);
        assertThat(outcome.toString(), outcome, is(new ExecutionOutcome.Completed("", "", Optional.of("1"))));
        assertThat("one scope left while the program ran", pooledMeanwhile, is(List.of(1)));
        executor.refilled().get(30, TimeUnit.SECONDS);
        assertThat("refilled after", executor.pooled().getAsInt(), is(2));
    }

    @AfterEach
    void close() {
        guests.shutdownNow();
        executor.close();
    }

    /** Runs a first program (it makes its own scope; the pool's two are made after it) and waits for the pool. */
    private void fillThePool() throws Exception {
        run("return 1", new RecordingBridge(10));
        executor.refilled().get(30, TimeUnit.SECONDS);
    }

    private ExecutionOutcome run(String code, ToolBridge bridge) throws Exception {
        return guests.submit(() -> executor.execute(new ExecutionRequest(code, Language.JAVASCRIPT, LIMITS, bridge,
                                                                         "test"))).get(30, TimeUnit.SECONDS);
    }
}
