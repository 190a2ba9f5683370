package dev.conduit.exec.rhino;

import java.util.List;

import dev.conduit.core.exec.Reachable;
import org.junit.jupiter.api.Test;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Scriptable;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Once the engine is made, an array created with a length up to 200,000 keeps its elements in one Java array, as in a
 * Rhino that compiles, not as a property object per element (ten times the memory, and more objects than a walk of a
 * program's memory counts).
 */
class RhinoArraysTest {
    @Test
    void anArrayOf131072NumbersTakesHalfAMegabyteNotFive() {
        assumeTrue(Reachable.AVAILABLE, "walks of objects are off on this JDK");
        new RhinoExecutor().close();
        try (Context context = new SandboxContextFactory().enterContext()) {
            Scriptable scope = context.initSafeStandardObjects();
            Object array = context.evaluateString(scope, "var a = new Array(131072).fill(0.5); a[131071] = 'last'; a",
                                                  "arrays.js", 1, null);
            long bytes = HeldObjects.reach(List.of(array), Long.MAX_VALUE);
            assertThat(bytes + " bytes", bytes, lessThan(1024L * 1024));
            assertThat(context.evaluateString(scope, "a.length + ':' + a[0] + ':' + a[131071]", "check.js", 1, null),
                       is("131072:0.5:last"));
        }
    }

    /**
     * Up to 4,194,304 elements where Rhino's package is open to the engine: bin/conduit opens it; on the class path,
     * as in these tests, everything is.
     */
    @Test
    void aSieveOfTwoMillionFlagsTakesEightMegabytes() {
        assumeTrue(Reachable.AVAILABLE, "walks of objects are off on this JDK");
        new RhinoExecutor().close();
        try (Context context = new SandboxContextFactory().enterContext()) {
            Scriptable scope = context.initSafeStandardObjects();
            Object sieve = context.evaluateString(scope, "var s = new Array(2000000).fill(true); s", "sieve.js", 1, null);
            long bytes = HeldObjects.reach(List.of(sieve), Long.MAX_VALUE);
            // Per element it would be some 270 MB, more objects than a walk counts (a walk cut short answers < 0).
            assertThat(bytes + " bytes", bytes, allOf(greaterThan(7L * 1024 * 1024), lessThan(9L * 1024 * 1024)));
        }
    }
}
