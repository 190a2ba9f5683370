package dev.conduit.core.exec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * What a program holds, found the way a collector would: the bytes of the objects reachable from its roots (its
 * variables and its global object), for the memory limit when several programs run at once and the heap's figure
 * cannot tell whose memory is whose ({@link LiveHeap}).
 *
 * <p>The walk goes only through the classes an engine says are its programs' data (its objects, arrays, strings, and
 * the arrays and strings they hold): every other object is neither counted nor followed, so a walk never reaches the
 * engine's shared structures, the host's objects or another program through them. It counts less than the program
 * holds rather than more: an object's size is its fields' and header's as the JVM lays them out (compressed
 * references where the JVM uses them); two objects with the same identity hash are taken for one. What the engine
 * makes for every program alike (a fresh global object's built-ins) is the engine's to subtract.
 *
 * <p>Fields are read with {@code sun.misc.Unsafe} at offsets found once per class: the engines' classes are in modules
 * that open nothing to us (reflection would need {@code setAccessible}, which they refuse). It is reached through
 * method handles, not linked against: the class is the JDK's and may go, and then walks are off ({@link #AVAILABLE})
 * and the memory limit falls back to what the heap's figure proves.
 * A walk reads objects a running program may be changing: it sees each reference as it is at that moment, which is
 * safe, and its figure is what the program held at about that time. Thread-safe.
 */
public final class Reachable {
    /** (Object, long) -> Object: a reference field's value; null when Unsafe is not there. */
    private static final MethodHandle GET_REFERENCE;
    /** (Field) -> long: where an instance field is. */
    private static final MethodHandle FIELD_OFFSET;
    /** Whether walks can be made on this JVM. */
    public static final boolean AVAILABLE;
    private static final int REFERENCE_BYTES = compressedReferences() ? 4 : 8;
    private static final int HEADER_BYTES = REFERENCE_BYTES == 4 ? 12 : 16;
    private static final int ARRAY_HEADER_BYTES = 16;
    /**
     * How many objects a walk counts at most: about a second on 2 cores and 32 MB of bookkeeping. A program holding
     * its cap in objects smaller than cap / this is counted short (its walk proves less than it holds, never more).
     */
    private static final int MAX_OBJECTS = 4_000_000;
    private static final Set<String> COLLECTIONS = Set.of("java.util", "java.util.concurrent");
    private static final ClassValue<Layout> LAYOUTS = new ClassValue<>() {
        @Override
        protected Layout computeValue(Class<?> type) {
            return Layout.of(type);
        }
    };

    static {
        MethodHandle get = null;
        MethodHandle offset = null;
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field instance = unsafeClass.getDeclaredField("theUnsafe");
            instance.setAccessible(true); // jdk.unsupported opens sun.misc to everyone
            Object unsafe = instance.get(null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            get = lookup.findVirtual(unsafeClass, "getObject", MethodType.methodType(Object.class, Object.class,
                                                                                     long.class)).bindTo(unsafe);
            offset = lookup.findVirtual(unsafeClass, "objectFieldOffset",
                                        MethodType.methodType(long.class, Field.class)).bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            get = null;
            offset = null;
        }
        GET_REFERENCE = get;
        FIELD_OFFSET = offset;
        AVAILABLE = get != null && works();
    }

    /** Whether Unsafe's field access answers (a JVM may refuse it: --sun-misc-unsafe-memory-access=deny). */
    private static boolean works() {
        try {
            Layout probe = Layout.of(Probe.class);
            return probe.references().length == 1 && read(new Probe(), probe.references()[0]) == Probe.VALUE;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** An object with one reference field of known value, for {@link #works}. */
    private static final class Probe {
        private static final Object VALUE = new Object();
        private final Object value = VALUE;
    }

    private Reachable() {
    }

    private static Object read(Object object, long offset) {
        try {
            return (Object) GET_REFERENCE.invokeExact(object, offset);
        } catch (Throwable e) {
            throw new IllegalStateException("reading a field failed", e);
        }
    }

    private static long offset(Field field) {
        try {
            return (long) FIELD_OFFSET.invokeExact(field);
        } catch (UnsupportedOperationException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("locating " + field + " failed", e);
        }
    }

    /**
     * The bytes of the objects reachable from {@code roots} through classes {@code follows} accepts (arrays and
     * strings they hold included), counting no further once past {@code limit} or {@value #MAX_OBJECTS} objects, or
     * once the walking thread is interrupted (the program walked ended: what the walk holds must not outlive it). A
     * walk cut short by the last two answers -1 - what it counted: a lower bound that must not be taken for the whole.
     */
    public static long measure(Collection<?> roots, Predicate<Class<?>> follows, long limit) {
        Walk walk = new Walk(follows);
        roots.forEach(walk::reach);
        long total = 0;
        for (int objects = 0; !walk.pending.isEmpty() && total <= limit && objects < MAX_OBJECTS; objects++) {
            if ((objects & 4095) == 0 && interrupted()) {
                break;
            }
            Object object = walk.pending.pop();
            Class<?> type = object.getClass();
            if (type.isArray()) {
                total += arrayBytes(object, type);
                if (object instanceof Object[] elements) {
                    Object previous = null;
                    for (int i = 0; i < elements.length; i++) {
                        if ((i & 4095) == 4095 && interrupted()) {
                            break;
                        }
                        Object element = elements[i];
                        // An array filled with one value reaches it once: a check of the previous element is all
                        // such an array costs (a walk scans at most a quarter of its limit in elements).
                        if (element != previous) {
                            walk.reach(element);
                            previous = element;
                        }
                    }
                }
                continue;
            }
            Layout layout = LAYOUTS.get(type);
            total += layout.bytes();
            for (long offset : layout.references()) {
                walk.reach(read(object, offset));
            }
        }
        // Cut short (its object budget spent, its thread interrupted) before it reached everything or its limit, a
        // walk proves what it counted and nothing about the rest: its figure says so by its sign.
        return walk.pending.isEmpty() || total > limit ? total : -1 - total;
    }

    /**
     * A walk's figure less {@code baseline} (what the engine's roots hold before a program runs), never below 0 and
     * keeping the mark of a walk cut short (negative: -1 - the bytes it counted).
     */
    public static long less(long measured, long baseline) {
        return measured >= 0 ? Math.max(0, measured - baseline) : -1 - Math.max(0, -1 - measured - baseline);
    }

    /** Whether the walking thread was interrupted (asked often: a large array's elements are checked every 4,096). */
    private static boolean interrupted() {
        return Thread.currentThread().isInterrupted();
    }

    /** A walk's limit {@code more} bytes past {@code limit}, which may be {@link Long#MAX_VALUE} (no limit). */
    public static long beyond(long limit, long more) {
        return limit > Long.MAX_VALUE - more ? Long.MAX_VALUE : limit + more;
    }

    /** The objects still to count, each taken once. */
    private static final class Walk {
        private final Predicate<Class<?>> follows;
        /** Whether each class met is walked: asked once per class (package names are strings to compare). */
        private final Map<Class<?>, Boolean> decided = new IdentityHashMap<>();
        private final IdentitySeen seen = new IdentitySeen();
        private final ArrayDeque<Object> pending = new ArrayDeque<>();
        private Class<?> lastType;
        private boolean lastWalked;

        Walk(Predicate<Class<?>> follows) {
            this.follows = follows;
        }

        void reach(Object object) {
            if (object == null) {
                return;
            }
            Class<?> type = object.getClass();
            boolean walked;
            if (type == lastType) { // a program's data is mostly a few classes over and over
                walked = lastWalked;
            } else {
                Boolean known = decided.get(type);
                if (known == null) {
                    known = walked(type, follows);
                    decided.put(type, known);
                }
                walked = known;
                lastType = type;
                lastWalked = known;
            }
            if (walked && seen.add(object)) {
                pending.push(object);
            }
        }
    }

    /**
     * Reads field {@code name} of {@code type}'s instances, whatever its access: for an engine's roots that it keeps
     * in a field it does not expose (Rhino's current interpreter frame).
     *
     * @throws IllegalStateException when the field does not exist (another version of the engine)
     */
    public static UnaryOperator<Object> field(Class<?> type, String name) {
        try {
            long offset = offset(type.getDeclaredField(name));
            return object -> object == null ? null : read(object, offset);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(type.getName() + " has no field " + name, e);
        }
    }

    /** Whether objects of {@code type} are counted and followed: the engine's data, and what data is made of. */
    private static boolean walked(Class<?> type, Predicate<Class<?>> follows) {
        if (type.isArray()) {
            Class<?> component = type.componentType();
            return component.isPrimitive() || component == Object.class || walked(component, follows);
        }
        if (type.getModule() == Object.class.getModule()) {
            // The JDK's data: strings, numbers, and collections an engine keeps its data in (Rhino's large objects
            // keep their properties in a LinkedHashMap). What they hold is walked only where it is data too.
            return type == String.class || Number.class.isAssignableFrom(type) || COLLECTIONS.contains(type.getPackageName())
                   && !Thread.class.isAssignableFrom(type);
        }
        return follows.test(type);
    }

    private static long arrayBytes(Object array, Class<?> type) {
        Class<?> component = type.componentType();
        int length = java.lang.reflect.Array.getLength(array);
        int element = component.isPrimitive() ? primitiveBytes(component) : REFERENCE_BYTES;
        return align(ARRAY_HEADER_BYTES + (long) length * element);
    }

    private static int primitiveBytes(Class<?> type) {
        if (type == long.class || type == double.class) {
            return 8;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        return type == short.class || type == char.class ? 2 : 1;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    /** An instance class's size and where its reference fields are. */
    private record Layout(long bytes, long[] references) {
        /** A class whose fields cannot be located (hidden classes, records): counted as a header, not followed. */
        private static final Layout OPAQUE = new Layout(HEADER_BYTES, new long[0]);

        static Layout of(Class<?> type) {
            List<Long> references = new ArrayList<>();
            long end = HEADER_BYTES;
            try {
                for (Class<?> each = type; each != null; each = each.getSuperclass()) {
                    for (Field field : each.getDeclaredFields()) {
                        if (Modifier.isStatic(field.getModifiers())) {
                            continue;
                        }
                        long offset = offset(field);
                        Class<?> fieldType = field.getType();
                        end = Math.max(end, offset + (fieldType.isPrimitive() ? primitiveBytes(fieldType)
                                : REFERENCE_BYTES));
                        if (!fieldType.isPrimitive()) {
                            references.add(offset);
                        }
                    }
                }
            } catch (UnsupportedOperationException e) {
                return OPAQUE;
            }
            return new Layout(align(end), references.stream().mapToLong(Long::longValue).toArray());
        }
    }

    /**
     * The objects a walk has counted, by identity hash in an open-addressed table of ints: a quarter of what an
     * identity map would take, which matters since a walk runs when memory is short. Two objects with the same hash
     * count once (the figure errs low).
     */
    private static final class IdentitySeen {
        private int[] slots = new int[1024];
        /** 32 less the log2 of the table's length: a slot is a hash's top bits (Fibonacci hashing). */
        private int shift = 22;
        private int size;

        boolean add(Object object) {
            int hash = System.identityHashCode(object);
            hash = hash == 0 ? 1 : hash; // 0 marks an empty slot
            int mask = slots.length - 1;
            for (int i = slot(hash); ; i = (i + 1) & mask) {
                if (slots[i] == hash) {
                    return false;
                }
                if (slots[i] == 0) {
                    slots[i] = hash;
                    if (++size * 2 > slots.length) {
                        grow();
                    }
                    return true;
                }
            }
        }

        /**
         * The slot to probe first: the top bits of the hash times the golden ratio. (The low bits, as first written,
         * with the hash's lowest bit forced to 1 to keep 0 free, put every hash in an odd slot: a table half full
         * was full where it was probed, and a walk of a million objects took seconds in its probes.)
         */
        private int slot(int hash) {
            return (hash * 0x9E3779B9) >>> shift;
        }

        private void grow() {
            int[] old = slots;
            slots = new int[old.length * 2];
            shift--;
            int mask = slots.length - 1;
            for (int hash : old) {
                if (hash != 0) {
                    int i = slot(hash);
                    while (slots[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    slots[i] = hash;
                }
            }
        }
    }

    private static boolean compressedReferences() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return hotSpot == null || Boolean.parseBoolean(hotSpot.getVMOption("UseCompressedOops").getValue());
    }
}
