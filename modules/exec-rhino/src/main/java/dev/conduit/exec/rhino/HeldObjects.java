package dev.conduit.exec.rhino;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;

import dev.conduit.core.exec.Reachable;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Scriptable;

/**
 * What a Rhino program holds, for its memory limit when several programs run at once: the objects reachable from its
 * global object and from its interpreter frames (its local variables: Rhino runs interpreted here and keeps its
 * frames on the heap, the current one in its context), through Rhino's own classes only ({@link Reachable}), less
 * what every program's global object holds before it runs (the built-ins and the SDK, measured at the first program).
 */
final class HeldObjects {
    private static final UnaryOperator<Object> CURRENT_FRAME = Reachable.AVAILABLE
            ? Reachable.field(Context.class, "lastInterpreterFrame") : context -> null;
    private static final String RHINO_PACKAGE = Context.class.getPackageName();
    /** What a global object holds before a program runs; -1 until measured. */
    private static volatile long builtIns = -1;

    private HeldObjects() {
    }

    /**
     * The walk of the program about to run in {@code scope} on {@code context}. Called once the SDK is installed:
     * the first call measures what a program's global object holds before it runs. Null when walks cannot be made.
     */
    static LongUnaryOperator of(Scriptable scope, Context context) {
        if (!Reachable.AVAILABLE) {
            return null;
        }
        if (builtIns < 0) {
            builtIns = Math.abs(measure(scope, context, Long.MAX_VALUE));
        }
        long before = builtIns;
        return limit -> Reachable.less(measure(scope, context, Reachable.beyond(limit, before)), before);
    }

    private static long measure(Scriptable scope, Context context, long limit) {
        return reach(Arrays.asList(scope, CURRENT_FRAME.apply(context)), limit);
    }

    /** What {@code roots} reach through Rhino's objects, counting no further than {@code limit} (see {@link Reachable}). */
    static long reach(List<?> roots, long limit) {
        return Reachable.measure(roots, HeldObjects::isRhinos, limit);
    }

    private static boolean isRhinos(Class<?> type) {
        return type.getPackageName().startsWith(RHINO_PACKAGE);
    }
}
