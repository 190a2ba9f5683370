package dev.conduit.exec.rhino;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.TimeZone;

import org.mozilla.javascript.Callable;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.NativeArray;
import org.mozilla.javascript.Scriptable;

/**
 * Makes every Rhino context a sandbox: interpreted (so the instruction observer and the interpreter's stack-depth cap
 * hold), modern JavaScript, a class shutter that admits no Java class, no {@code __parent__} (which would expose a
 * closure's variables) and no Java member access. Each context checks its execution's {@link Guard} every
 * {@link #INSTRUCTION_THRESHOLD} instructions; regular expressions count their backtracking steps too.
 */
final class SandboxContextFactory extends ContextFactory {
    private static final System.Logger LOGGER = System.getLogger(SandboxContextFactory.class.getName());
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
    /**
     * Instructions between guard checks: microseconds of guest work, yet a call counts as 100 instructions however
     * long the built-in it calls runs (filling an array of 131,072 elements is one call), so every few calls.
     */
    static final int INSTRUCTION_THRESHOLD = 1_000;
    /** Guest frames allowed; the interpreter keeps them on the heap, so without a cap recursion ends in OOM. */
    static final int MAX_STACK_DEPTH = 1000;

    /**
     * The longest array a program's {@code new Array(n)} keeps in one Java array: 16 MB of references at most, so
     * that one call cannot take a share of the heap that the memory limit has no time to see.
     */
    static final int DENSE_ARRAY_LENGTH = 1 << 22;

    /**
     * Arrays made with a length ({@code new Array(n)}) keep their elements in one Java array up to
     * {@value #DENSE_ARRAY_LENGTH} elements: an interpreted Rhino keeps those over 10,000 as a property per element,
     * about 137 bytes each where the array's slot takes 4, so {@code new Array(131072).fill(x)} took 17 MB instead
     * of 512 KB, a sieve of primes below 2,000,000 was stopped by the 256 MB memory limit where GraalJS and Deno
     * answer, and a walk of a program keeping such arrays (for the memory limit) met its budget of objects at half a
     * 256 MB cap (four such programs held 370-540 MB each before they were stopped). Rhino's setter of that length
     * is package-private: it is called where {@code bin/conduit} opens Rhino's package to this module; elsewhere,
     * Rhino's own choice when it compiles, 200,000, which it makes when it sets up standard objects in a context that
     * compiles (one such context is made here for that, and runs nothing). Called once, before any program.
     */
    static void denseArrays() {
        try {
            MethodHandles.privateLookupIn(NativeArray.class, MethodHandles.lookup())
                    .findStatic(NativeArray.class, "setMaximumInitialCapacity",
                                MethodType.methodType(void.class, int.class))
                    .invokeExact(DENSE_ARRAY_LENGTH);
        } catch (Throwable e) { // not opened to this module (no bin/conduit), or another Rhino: 200,000
            LOGGER.log(System.Logger.Level.DEBUG, "Rhino keeps arrays over 200,000 elements per element: " + e);
            denseArraysAsCompiled(); // only then: it took 90-160 ms of the server's start
        }
    }

    /** Has Rhino keep arrays of up to 200,000 elements whole, as it does when it compiles. */
    static void denseArraysAsCompiled() {
        try (Context context = new ContextFactory().enterContext()) {
            context.setInterpretedMode(false);
            context.initSafeStandardObjects();
        }
    }

    @Override
    protected Context makeContext() {
        Context context = super.makeContext();
        context.setLanguageVersion(Context.VERSION_ECMASCRIPT);
        context.setInterpretedMode(true);
        context.setInstructionObserverThreshold(INSTRUCTION_THRESHOLD);
        context.setGenerateObserverCount(true);
        context.setMaximumInterpreterStackDepth(MAX_STACK_DEPTH);
        context.setClassShutter(className -> false);
        context.setTimeZone(UTC); // as in the other engines: the server's own time zone is a fact of the host
        return context;
    }

    @Override
    protected boolean hasFeature(Context context, int feature) {
        return switch (feature) {
            case Context.FEATURE_PARENT_PROTO_PROPERTIES, Context.FEATURE_ENHANCED_JAVA_ACCESS,
                 Context.FEATURE_ENABLE_JAVA_MAP_ACCESS -> false;
            default -> super.hasFeature(context, feature);
        };
    }

    @Override
    protected void observeInstructionCount(Context context, int instructionCount) {
        check(context);
    }

    /**
     * Every call into guest code from the host, each promise reaction of the microtask queue among them, checks the
     * guard too: Rhino counts instructions per top call, so a storm of tiny reactions would never reach the threshold.
     */
    @Override
    protected Object doTopCall(Callable callable, Context context, Scriptable scope, Scriptable thisObj,
                               Object[] args) {
        check(context);
        return super.doTopCall(callable, context, scope, thisObj, args);
    }

    private static void check(Context context) {
        if (context.getThreadLocal(Guard.class) instanceof Guard guard) {
            guard.check();
        }
    }
}
