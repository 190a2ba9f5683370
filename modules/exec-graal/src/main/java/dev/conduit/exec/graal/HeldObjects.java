package dev.conduit.exec.graal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;

import dev.conduit.core.exec.Reachable;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * What a GraalJS program holds, for its memory limit when several programs run at once: the objects reachable from
 * its global object, its global lexical scope (top-level {@code let}, {@code const}, {@code class}) and its frames
 * (its local variables and arguments; the fallback Truffle runtime of a stock JDK keeps a thread's frames on the heap,
 * the current one in a thread-local of the guest's thread), through the JavaScript runtime's data classes only
 * ({@link Reachable}), less what a fresh context's global holds (the built-ins and the SDK, measured at the first
 * program).
 *
 * <p>What is not followed bounds the walk to the program: shapes (shared by every context of the engine), realms,
 * the engine's context, function data and code (nodes, call targets, sources), host objects. A walk counts less than
 * a program holds where it meets something else (a symbol's description, a proxy's handler internals), never more.
 */
final class HeldObjects {
    private static final String DEFAULT_FRAME_INSTANCE =
            "com.oracle.truffle.api.impl.DefaultTruffleRuntime$DefaultFrameInstance";
    private static final List<String> DATA_PACKAGES = List.of(
            "com.oracle.truffle.js.runtime.builtins.", "com.oracle.truffle.js.runtime.objects.",
            "com.oracle.truffle.js.runtime.util.", "com.oracle.truffle.api.strings.");
    /** Classes in those packages that lead out of the program: to what every context or the engine shares. */
    private static final List<String> SHARED = List.of(
            "Shape", "Realm", "FunctionData", "JSContext", "Node", "CallTarget", "Source", "Descriptor", "Assumption",
            "Agent", "Builtin", "Property", "Location", "AllocationSite", "Factory");
    private static final UnaryOperator<Object> RECEIVER = Reachable.AVAILABLE
            ? Reachable.field(Value.class.getSuperclass(), "receiver") : value -> null;
    private static final UnaryOperator<Object> THREAD_LOCALS = Reachable.AVAILABLE
            ? Reachable.field(Thread.class, "threadLocals") : thread -> null;
    /** Readers of the fields roots are found through, by class and field name. */
    private static final Map<String, UnaryOperator<Object>> FIELDS = new ConcurrentHashMap<>();
    private static final Source FUNCTION = Source.create("js", "(function () {})");
    /** What a fresh context's global and lexical scope hold; -1 until measured. */
    private static volatile long builtIns = -1;

    private HeldObjects() {
    }

    /**
     * The walk of the program about to run in {@code context} on {@code guest}, its SDK installed; the first call
     * measures what such a context holds before a program runs. Null when walks cannot be made.
     */
    static LongUnaryOperator of(Context context, Thread guest) {
        if (!Reachable.AVAILABLE) {
            return null;
        }
        Object global;
        Object lexical;
        try {
            // A function of the program's realm leads to the realm's global object and global lexical scope.
            Object realm = read(RECEIVER.apply(context.eval(FUNCTION)), "realm");
            global = read(realm, "globalObject");
            lexical = read(realm, "globalScope");
        } catch (RuntimeException e) {
            return null; // another version of the engine: no walks, the rule alone
        }
        if (builtIns < 0) {
            builtIns = Reachable.measure(List.of(global, lexical), HeldObjects::isData, Long.MAX_VALUE);
        }
        long before = builtIns;
        return limit -> Math.max(0, measure(global, lexical, guest, Reachable.beyond(limit, before)) - before);
    }

    private static long measure(Object global, Object lexical, Thread guest, long limit) {
        List<Object> roots = new ArrayList<>(List.of(global, lexical));
        roots.addAll(frames(guest));
        return Reachable.measure(roots, HeldObjects::isData, limit);
    }

    /** Field {@code name} of {@code object}, declared by its class or a superclass. */
    private static Object read(Object object, String name) {
        return FIELDS.computeIfAbsent(object.getClass().getName() + "#" + name, key -> reader(object.getClass(), name))
                .apply(object);
    }

    private static UnaryOperator<Object> reader(Class<?> declaring, String name) {
        for (Class<?> type = declaring; type != null; type = type.getSuperclass()) {
            for (java.lang.reflect.Field field : type.getDeclaredFields()) {
                if (field.getName().equals(name)) {
                    return Reachable.field(type, name);
                }
            }
        }
        throw new IllegalStateException(declaring.getName() + " has no field " + name);
    }

    /** The guest thread's current Truffle frame instance (the rest of its stack is reached through it). */
    private static List<Object> frames(Thread guest) {
        List<Object> frames = new ArrayList<>();
        Object map = THREAD_LOCALS.apply(guest);
        if (map == null) {
            return frames;
        }
        for (Object entry : (Object[]) read(map, "table")) {
            if (entry != null) {
                Object value = read(entry, "value");
                if (value != null && value.getClass().getName().equals(DEFAULT_FRAME_INSTANCE)) {
                    frames.add(value);
                }
            }
        }
        return frames;
    }

    static boolean isData(Class<?> type) {
        String name = type.getName();
        if (name.equals(DEFAULT_FRAME_INSTANCE) || name.equals("com.oracle.truffle.api.impl.FrameWithoutBoxing")) {
            return true;
        }
        if (DATA_PACKAGES.stream().noneMatch(name::startsWith)) {
            return false;
        }
        String simple = name.substring(name.lastIndexOf('.') + 1);
        return SHARED.stream().noneMatch(simple::contains);
    }
}
