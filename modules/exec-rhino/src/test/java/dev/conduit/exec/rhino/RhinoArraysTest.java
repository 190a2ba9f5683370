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
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Once the engine is made, an array created with a length up to 4,194,304 (200,000 where Rhino's package is not open
 * to the engine) keeps its elements in one Java array, not as a property per element (some 137 bytes each, and more
 * objects than a walk of a program's memory counts).
 */
class RhinoArraysTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void anArrayOf131072NumbersTakesHalfAMegabyteNotSeventeen() {
        String check = "a.length + ':' + a[0] + ':' + a[131071]";
        Held held = run("var a = new Array(131072).fill(0.5); a[131071] = 'last'; a", check);
        assertThat(held.bytes() + " bytes", held.bytes(), lessThan(MIB));
        assertThat(held.checked(), is("131072:0.5:last"));
    }

    /**
     * Up to 4,194,304 elements where Rhino's package is open to the engine: bin/conduit opens it; on the class path,
     * as in these tests, everything is.
     */
    @Test
    void aSieveOfTwoMillionFlagsTakesEightMegabytes() {
        Held held = run("var s = new Array(2000000).fill(true); s", "String(s.length)");
        // Per element it would be some 270 MB, more objects than a walk counts (a walk cut short answers < 0).
        assertThat(held.bytes() + " bytes", held.bytes(), allOf(greaterThan(7 * MIB), lessThan(9 * MIB)));
        assertThat(held.checked(), is("2000000"));
    }

    /**
     * Where Rhino's package is not open to the engine: up to 200,000 elements, Rhino's own length when it compiles.
     * (The length is Rhino's static: the engine's is set again after.)
     */
    @Test
    void withoutItsPackageOpenRhinoKeepsArraysAsWhenItCompiles() {
        try {
            SandboxContextFactory.denseArraysAsCompiled();
            // 200,000 flags: 800 KB; 300,000 per element would be 40 MB, more objects than a walk counts.
            assertThat(heldByArray(200_000), lessThan(MIB));
            assertThat(heldByArray(300_000), not(allOf(greaterThan(0L), lessThan(2 * MIB))));
        } finally {
            SandboxContextFactory.denseArrays();
        }
    }

    private static long heldByArray(int length) {
        assumeTrue(Reachable.AVAILABLE, "walks of objects are off on this JDK");
        try (Context context = new SandboxContextFactory().enterContext()) {
            Scriptable scope = context.initSafeStandardObjects();
            Object array = context.evaluateString(scope, "new Array(" + length + ").fill(true)", "arrays.js", 1, null);
            return HeldObjects.reach(List.of(array), Long.MAX_VALUE);
        }
    }

    /** What the array {@code program} answers holds (by a walk), and what {@code check} then answers. */
    private record Held(long bytes, Object checked) {
    }

    /** Runs {@code program} in a sandbox context once the engine was made (which sets how arrays are kept). */
    private static Held run(String program, String check) {
        assumeTrue(Reachable.AVAILABLE, "walks of objects are off on this JDK");
        new RhinoExecutor().close();
        try (Context context = new SandboxContextFactory().enterContext()) {
            Scriptable scope = context.initSafeStandardObjects();
            Object array = context.evaluateString(scope, program, "arrays.js", 1, null);
            return new Held(HeldObjects.reach(List.of(array), Long.MAX_VALUE),
                            context.evaluateString(scope, check, "check.js", 1, null));
        }
    }
}
