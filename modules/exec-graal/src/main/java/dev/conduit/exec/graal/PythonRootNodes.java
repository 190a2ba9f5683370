package dev.conduit.exec.graal;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.nodes.RootNode;
import org.graalvm.polyglot.Value;

/**
 * Keeps GraalPy's engine-wide cache of functions' root nodes from growing for ever.
 *
 * <p>With several contexts on one engine, GraalPy keeps in its language object (one per engine) a root node for
 * every function any context defined, keyed by the function's code unit, and never lets go of one. Code compiled
 * once for the engine (the SDK, the modules its start-up runs, sources Truffle's cache holds) has the same code units
 * in every context, and the cache shares their root nodes as meant: its compiled code calls them directly, so they
 * must stay the same ones (GraalPy asserts it). But a program's own text is compiled afresh in its context, and so is
 * any standard module without bytecode files (the distribution's come compiled, build/PythonBytecode.java; the
 * sandbox can write none): each execution left its functions behind, with the parse trees their root nodes keep for
 * later source positions. Measured on the distribution before either: about 11 KB for a small function, 29 MB for
 * {@code import asyncio}; a server running Python programs grew until its heap ran out.
 *
 * <p>So once a used context is closed, the entries of code units that no shared code holds are removed. They are a
 * cache and nothing else: a context that defines such a function again gets a root node made anew, what GraalPy does
 * on an engine of its own. Which code is shared is read after the candidates are listed, so that a module compiled
 * for sharing meanwhile is seen (its entry in the shared caches is made before its functions are defined). The
 * caches are reached through fields of GraalPy's and Truffle's classes (read as the walks of {@link HeldObjects} read
 * them); where another version lays them out otherwise nothing is removed, and the server says so at start.
 */
final class PythonRootNodes {
    private static final System.Logger LOGGER = System.getLogger(PythonRootNodes.class.getName());
    private static final String LANGUAGE = "com.oracle.graal.python.PythonLanguage";
    private static final String CODE_UNIT = "com.oracle.graal.python.nodes.bytecode_dsl.BytecodeDSLCodeUnit";

    /**
     * How many entries may gather before a pruning: finding what is shared takes 5-13 ms of CPU, so not after every
     * program (a small one defines a few functions; one importing asyncio, some 2,800), and what waits is bounded.
     */
    static final int SLACK = 256;
    private static final String ROOT_NODE = "com.oracle.graal.python.nodes.bytecode_dsl.PBytecodeDSLRootNode";

    /** The language; null when its caches cannot be read, and then nothing is removed. */
    private final TruffleLanguage<?> language;
    /** Set when a pruning failed (the caches not as expected after all): nothing is removed after it. */
    private volatile boolean failed;
    /** The cache's size after the last pruning. */
    private volatile int pruned;
    /** One pruning at a time: closers close several contexts at once, and one pass serves them all. */
    private final ReentrantLock pruning = new ReentrantLock();

    private PythonRootNodes(TruffleLanguage<?> language) {
        this.language = language;
    }

    /** The caches of the engine that {@code function} (a Python function of one of its contexts) belongs to. */
    static PythonRootNodes of(Value function) {
        try {
            RootNode root = (RootNode) HeldObjects.read(HeldObjects.read(HeldObjects.receiver(function), "code"),
                                                        "rootNode");
            PythonRootNodes found = new PythonRootNodes(languageOf(root));
            found.shared(); // every field it reads is there
            found.cache();
            return found;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "graalpy: its cache of functions cannot be pruned on this version (" + e
                                      + "); every Python program's functions stay in memory until a restart");
            return new PythonRootNodes(null);
        }
    }

    /** GraalPy's language object, which its classes' module does not let us name. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static TruffleLanguage<?> languageOf(RootNode root) throws ClassNotFoundException {
        Class type = Class.forName(LANGUAGE, false, root.getClass().getClassLoader());
        return (TruffleLanguage<?>) root.getLanguage(type);
    }

    /**
     * Removes the entries of code units no shared code holds, once the cache has grown by {@link #SLACK} entries since
     * the last time; safe while programs run. Returns at once when another thread is at it.
     */
    void prune() {
        if (language == null || failed || cache().size() < pruned + SLACK || !pruning.tryLock()) {
            return;
        }
        try {
            removeUnshared();
            pruned = cache().size();
        } catch (RuntimeException e) {
            failed = true;
            LOGGER.log(Level.WARNING, "graalpy: pruning its cache of functions failed (" + e + "); stopped");
        } finally {
            pruning.unlock();
        }
    }

    /** Lists the candidates first, then what is shared (see the class's comment), then removes. */
    private void removeUnshared() {
        Map<?, ?> cache = cache();
        List<Object> candidates = new ArrayList<>();
        for (Object key : cache.keySet()) {
            if (codeUnitOf(key) != null) {
                candidates.add(key);
            }
        }
        Set<Object> shared = shared();
        for (Object key : candidates) {
            if (!shared.contains(codeUnitOf(key))) {
                cache.remove(key);
            }
        }
    }

    /** How many root nodes the cache holds (for tests). */
    int size() {
        return language == null ? 0 : cache().size();
    }

    /** The cache: keys are lists of what a root node was made for (a code unit; a class and a name; ...). */
    private Map<?, ?> cache() {
        return (Map<?, ?>) HeldObjects.read(language, "runtimeCachedRootNodes");
    }

    /** The code unit a key of the cache stands for, or null when it is not a code unit's. */
    private static Object codeUnitOf(Object key) {
        return key instanceof List<?> made && made.size() == 1 && made.getFirst() != null
               && made.getFirst().getClass().getName().equals(CODE_UNIT) ? made.getFirst() : null;
    }

    /**
     * The code units of every function that code compiled once for the engine defines: GraalPy's own cache of code
     * (what its start-up compiles) and Truffle's source cache for the engine (sources parsed for sharing, the SDK's
     * among them), by identity.
     */
    private Set<Object> shared() {
        List<Object> targets = new ArrayList<>(((Map<?, ?>) HeldObjects.read(language, "cachedCode")).values());
        Object sharing = HeldObjects.read(HeldObjects.read(language, "polyglotLanguageInstance"), "sharing");
        Object sources = HeldObjects.read(HeldObjects.read(sharing, "shared"), "sourceCache");
        for (String kind : List.of("weakCache", "strongCache")) {
            Collection<?> values = ((Map<?, ?>) HeldObjects.read(HeldObjects.read(sources, kind), "sourceCache")).values();
            for (Object value : values) {
                targets.add(HeldObjects.read(value, "target"));
            }
        }
        Set<Object> units = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> next = new ArrayDeque<>();
        for (Object target : targets) {
            if (target instanceof RootCallTarget call && call.getRootNode().getClass().getName().startsWith(ROOT_NODE)) {
                next.push(HeldObjects.read(call.getRootNode(), "co"));
            }
        }
        while (!next.isEmpty()) {
            Object unit = next.pop();
            if (unit != null && unit.getClass().getName().equals(CODE_UNIT) && units.add(unit)) {
                for (Object constant : (Object[]) HeldObjects.read(unit, "constants")) {
                    if (constant != null) {
                        next.push(constant);
                    }
                }
            }
        }
        return units;
    }
}
