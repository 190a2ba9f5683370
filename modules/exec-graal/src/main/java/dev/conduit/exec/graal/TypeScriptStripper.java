package dev.conduit.exec.graal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.NoTools;
import dev.conduit.core.spi.ToolBridge;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * Turns TypeScript into JavaScript by stripping its type syntax (interfaces, annotations, generics, {@code as}
 * casts) and compiling enums, with sucrase, the maintained type stripper, running in a context of its own on the
 * shared engine. Line numbers are kept, so guest stack traces point at the TypeScript lines. The program text is
 * untrusted input to sucrase: each transform is watched like an execution and a runaway one replaces the context.
 * Recent results are cached by source text. Thread-safe (one transform at a time).
 */
final class TypeScriptStripper {
    private static final System.Logger LOGGER = System.getLogger(TypeScriptStripper.class.getName());
    private static final String RESOURCE = "sucrase.js";
    private static final int CACHE_ENTRIES = 256;

    private final Engine engine;
    private final Source bundle;
    private final Watchdog watchdog;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, String> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    /**
     * Sucrase's transform, refusing what it would drop without a word: it removes every {@code namespace} (and
     * {@code module}) block, types or not, so one that holds values left the program failing later with
     * "ReferenceError: N is not defined". A namespace whose body, its exports unexported, strips to something holds
     * values; type-only namespaces go as before.
     */
    private static final String TRANSFORM = """
            (code) => {
              const strip = (text) => Sucrase.transform(text,
                  {transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: false}).code;
              const javascript = strip(code);
              const opening = /^[ \t]*(?:export[ \t]+)?(?:namespace|module)[ \t]+([A-Za-z_$][\\w$.]*)[ \t]*\\{/gm;
              for (let found = opening.exec(code); found !== null; found = opening.exec(code)) {
                const start = found.index + found[0].length;
                let depth = 1;
                let end = start;
                while (end < code.length && depth > 0) {
                  depth += code[end] === '{' ? 1 : code[end] === '}' ? -1 : 0;
                  end++;
                }
                let values;
                try {
                  values = strip(code.slice(start, end - 1).replace(/^([ \t]*)export[ \t]+/gm, '$1')).trim() !== '';
                } catch (e) {
                  values = false; // not a body sucrase reads on its own: left to the program's run
                }
                if (values) {
                  throw new SyntaxError('TypeScript namespace ' + found[1] + ' holds values, which the type stripper of '
                      + 'the graaljs engine would drop: use an object or a module-level const instead, or run the '
                      + 'program with engine "deno"');
                }
              }
              return javascript;
            }""";

    private Context context;
    private Value transform;

    private TypeScriptStripper(Engine engine, Source bundle, Watchdog watchdog) {
        this.engine = engine;
        this.bundle = bundle;
        this.watchdog = watchdog;
    }

    /** A stripper, when the build bundled sucrase (it needs npm at build time). */
    static Optional<TypeScriptStripper> create(Engine engine, Watchdog watchdog) {
        try (InputStream in = TypeScriptStripper.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                LOGGER.log(Level.WARNING, "TypeScript is unavailable: this build has no " + RESOURCE);
                return Optional.empty();
            }
            Source bundle = Source.newBuilder("js", new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE)
                    .buildLiteral();
            return Optional.of(new TypeScriptStripper(engine, bundle, watchdog));
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "TypeScript is unavailable: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Loads sucrase now, so that the first TypeScript program does not pay for it. */
    void warmUp() {
        lock.lock();
        try {
            strip("const warm: number = 1;", PooledExecutor.WARM_UP_LIMITS, NoTools.INSTANCE);
        } catch (TypeScriptException e) {
            LOGGER.log(Level.WARNING, "TypeScript warm-up failed: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The JavaScript for {@code code}, stripped within the execution's limits.
     *
     * @throws TypeScriptException for a syntax error (the message says where), or when stripping hit a limit
     */
    String strip(String code, ExecutionLimits limits, ToolBridge tools) throws TypeScriptException {
        lock.lock();
        try {
            String cached = cache.get(code);
            if (cached != null) {
                return cached;
            }
            if (context == null) {
                context = Context.newBuilder("js").engine(engine).sandbox(SandboxPolicy.CONSTRAINED)
                        .out(java.io.OutputStream.nullOutputStream()).err(java.io.OutputStream.nullOutputStream())
                        .build();
                context.eval(bundle);
                transform = context.eval("js", TRANSFORM);
            }
            GuestOutput none = new GuestOutput(0, 0);
            Watchdog.Watched watched = watchdog.watch(Thread.currentThread(), context, limits, none, tools);
            try {
                String javascript = transform.execute(code).asString();
                cache.put(code, javascript);
                return javascript;
            } catch (PolyglotException e) {
                if (watched.stoppedBy() != null || e.isCancelled() || e.isResourceExhausted()) {
                    context = null;
                    throw new TypeScriptException("Stripping the TypeScript types ran out of its limits");
                }
                if (e.isGuestException()) {
                    String message = String.valueOf(e.getMessage()); // sucrase's own are SyntaxErrors already
                    throw new TypeScriptException(message.startsWith("SyntaxError") ? message : "SyntaxError: " + message);
                }
                context = null;
                throw e;
            } finally {
                watchdog.unwatch(watched);
            }
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            if (context != null) {
                context.close(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** TypeScript that could not be turned into JavaScript. */
    static final class TypeScriptException extends Exception {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        TypeScriptException(String message) {
            super(message, null, false, false);
        }
    }
}
