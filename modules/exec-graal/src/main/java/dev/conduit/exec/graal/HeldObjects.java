package dev.conduit.exec.graal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import dev.conduit.core.exec.Reachable;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * What a GraalJS or GraalPy program holds, for its memory limit when several programs run at once: the objects
 * reachable from its roots through the language's data classes only ({@link Reachable}). The roots are its frames
 * (its local variables and arguments; the fallback Truffle runtime of a stock JDK keeps a thread's frames on the heap,
 * the current one in a thread-local of the guest's thread) and, in JavaScript, its global object and global lexical
 * scope (top-level {@code let}, {@code const}, {@code class}), less what a fresh context's hold (the built-ins and the
 * SDK, measured at the first program). A Python program's globals are a dict its module-level frame holds.
 *
 * <p>What is not followed bounds the walk to the program: shapes (shared by every context of the engine), realms,
 * classes and modules, the engine's context, function data and code (nodes, call targets, sources), host objects. A
 * walk counts less than a program holds where it meets something else (a symbol's description, an instance's class
 * attributes), never more.
 */
final class HeldObjects {
    private static final String DEFAULT_FRAME_INSTANCE =
            "com.oracle.truffle.api.impl.DefaultTruffleRuntime$DefaultFrameInstance";
    private static final String FRAME = "com.oracle.truffle.api.impl.FrameWithoutBoxing";
    /** GraalJS's data: its objects, built-ins and strings. */
    private static final Data JAVASCRIPT = new Data(
            List.of("com.oracle.truffle.js.runtime.builtins.", "com.oracle.truffle.js.runtime.objects.",
                    "com.oracle.truffle.js.runtime.util.", "com.oracle.truffle.api.strings."),
            List.of("Shape", "Realm", "FunctionData", "JSContext", "Node", "CallTarget", "Source", "Descriptor",
                    "Assumption", "Agent", "Builtin", "Property", "Location", "AllocationSite", "Factory"));
    /**
     * GraalPy's data: its objects (lists, dicts, tuples, instances, functions and their cells), their storages and
     * strings; not classes, modules (a program's globals lead to the builtins module, which leads to every module),
     * code, built-in functions or Python frame objects.
     */
    private static final Data PYTHON = new Data(
            List.of("com.oracle.graal.python.builtins.objects.", "com.oracle.graal.python.runtime.sequence.storage.",
                    "com.oracle.truffle.api.strings."),
            List.of("Shape", "Class", "Module", "Code", "Builtin", "Frame", "Context", "Language", "Node",
                    "CallTarget", "Source", "Descriptor", "Assumption", "Traceback", "Getter", "Setter", "Slot"));

    private static final UnaryOperator<Object> RECEIVER = fieldOrNull(Value.class.getSuperclass(), "receiver");
    private static final UnaryOperator<Object> THREAD_LOCALS = fieldOrNull(Thread.class, "threadLocals");
    /** Whether walks can be made: fields readable, and the two this class starts from where it expects them. */
    private static final boolean AVAILABLE = RECEIVER != null && THREAD_LOCALS != null;
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
    static LongUnaryOperator ofJavaScript(Context context, Thread guest) {
        if (!AVAILABLE) {
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
            builtIns = Reachable.measure(List.of(global, lexical), JAVASCRIPT, Long.MAX_VALUE);
        }
        long before = builtIns;
        return guarded(limit -> {
            List<Object> roots = new ArrayList<>(List.of(global, lexical));
            roots.addAll(frames(guest));
            return Reachable.less(Reachable.measure(roots, JAVASCRIPT, Reachable.beyond(limit, before)), before);
        });
    }

    /**
     * The walk of the Python program about to run on {@code guest}: its frames alone, since the runner gives each
     * program a globals dict of its own, which its module-level frame holds. What the runner's globals hold (the SDK)
     * counts with it: some tens of KB. Null when walks cannot be made.
     */
    static LongUnaryOperator ofPython(Thread guest) {
        return AVAILABLE ? guarded(limit -> Reachable.measure(frames(guest), PYTHON, limit)) : null;
    }

    /**
     * A walk that proves nothing (0) where the engine's objects are not laid out as this class expects, rather than
     * fail the program it runs beside (or on: a walk before a large allocation runs on the program's thread).
     */
    private static LongUnaryOperator guarded(LongUnaryOperator walk) {
        return limit -> {
            try {
                return walk.applyAsLong(limit);
            } catch (RuntimeException e) {
                return 0;
            }
        };
    }

    private static UnaryOperator<Object> fieldOrNull(Class<?> type, String name) {
        try {
            return Reachable.AVAILABLE ? Reachable.field(type, name) : null;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** The engine's object behind {@code value}. */
    static Object receiver(Value value) {
        if (RECEIVER == null) {
            throw new IllegalStateException("fields cannot be read on this JVM");
        }
        return RECEIVER.apply(value);
    }

    /** Field {@code name} of {@code object}, declared by its class or a superclass. */
    static Object read(Object object, String name) {
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

    /**
     * What a language's walk follows: classes in {@code packages} (prefixes of their names) whose simple name contains
     * none of {@code shared} (what leads out of the program: to what every context or the engine shares), and the
     * fallback runtime's frames.
     */
    private record Data(List<String> packages, List<String> shared) implements Predicate<Class<?>> {
        @Override
        public boolean test(Class<?> type) {
            String name = type.getName();
            if (name.equals(DEFAULT_FRAME_INSTANCE) || name.equals(FRAME)) {
                return true;
            }
            if (packages.stream().noneMatch(name::startsWith)) {
                return false;
            }
            String simple = name.substring(name.lastIndexOf('.') + 1);
            return shared.stream().noneMatch(simple::contains);
        }
    }
}
