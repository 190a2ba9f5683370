package dev.conduit.exec.graal;

import java.util.Optional;
import java.util.Set;
import java.util.function.LongUnaryOperator;

import dev.conduit.core.spi.Language;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The {@code graalpy} engine: Python 3 on GraalPy. The SDK returns a tool's result directly, and an awaitable when
 * the program uses {@code await}, so code written for the original's {@code await tools.x.y()} style runs too. The
 * last expression statement is the program's result. No file, socket, subprocess, thread or native module is
 * reachable under the sandbox policy.
 */
final class GraalPyExecutor extends PooledExecutor {
    static final String NAME = "graalpy";
    private static final int POOL_SIZE = 4;
    /**
     * {@code (key) -> TZif data, one char a byte, or null}: what zoneinfo reads a zone from (TzifData); without a key,
     * every zone's key, one a line.
     */
    private static final ProxyExecutable TZIF = args -> {
        if (args.length == 0) {
            return TzifData.keys();
        }
        return args[0].isString() ? TzifData.latin1(args[0].asString()).orElse(null) : null;
    };

    private final Source prologue;
    /** The engine's cache of functions' root nodes, pruned as used contexts close; set by the first context. */
    private volatile PythonRootNodes rootNodes;

    private GraalPyExecutor() {
        super(NAME, "python", POOL_SIZE);
        this.prologue = Source.newBuilder("python", resource("prologue.py"), "conduit-sdk.py").buildLiteral();
    }

    /** Builds the engine now and warms it and the pool in the background (the first context takes seconds). */
    static GraalPyExecutor start() {
        GraalPyExecutor executor = new GraalPyExecutor();
        executor.startWarmUp();
        return executor;
    }

    /** After GraalJS's: a first GraalPy context takes about 2.5 s on 2 cores, GraalJS's 0.7 s. */
    @Override
    protected int startRank() {
        return 1;
    }

    @Override
    protected Prepared prepare() {
        OutputSwitch out = new OutputSwitch(false);
        OutputSwitch err = new OutputSwitch(true);
        BridgeSwitch bridge = new BridgeSwitch();
        Context context = sandbox(out, err).build();
        context.initialize("python");
        context.eval(prologue);
        Value installer = context.getBindings("python").getMember("__conduit_install");
        if (rootNodes == null) {
            rootNodes = PythonRootNodes.of(installer); // the first context is made alone, by the warm-up
        }
        Value runner = installer.execute(bridge.call, bridge.manifest, bridge.discover, bridge.room, bridge.start,
                         bridge.answered, bridge.waitForAnswer, TZIF);
        return new Prepared(context, out, err, bridge, runner);
    }

    @Override
    protected void closed() {
        PythonRootNodes cache = rootNodes;
        if (cache != null) {
            cache.prune();
        }
    }

    /** How many root nodes the engine's cache holds (for tests). */
    int cachedRootNodes() {
        PythonRootNodes cache = rootNodes;
        return cache == null ? 0 : cache.size();
    }

    @Override
    public Set<Language> languages() {
        return Set.of(Language.PYTHON);
    }

    @Override
    protected LongUnaryOperator walk(Context context) {
        return HeldObjects.ofPython(Thread.currentThread());
    }

    @Override
    protected Optional<String> run(Prepared prepared, String code) throws GuestFailure {
        Value result = prepared.runner().execute(code);
        if (result.hasArrayElements()) { // the exception that ended the program, and its frames
            throw new GuestFailure(withoutHostClassName(result.getArrayElement(0).asString()),
                                   result.getArrayElement(1).asString());
        }
        return result.isString() ? Optional.of(result.asString()) : Optional.empty();
    }
}
