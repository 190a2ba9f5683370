package dev.conduit.exec.graal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The {@code graaljs} engine. Contexts are built and initialized ahead on a background thread (with the SDK prologue
 * already evaluated), each used for exactly one execution and then closed.
 */
final class GraalJsExecutor implements Executor {
    static final String NAME = "graaljs";
    private static final System.Logger LOGGER = System.getLogger(GraalJsExecutor.class.getName());
    private static final int POOL_SIZE = 4;
    /** A backstop far above any request's limit; the watchdog enforces the request's own. */
    private static final String MAX_CPU_BACKSTOP = "600s";
    /** Guest frames allowed; a guest thread's stack ({@link Executor#GUEST_STACK_BYTES}) holds them. */
    static final int MAX_STACK_FRAMES = 1000;
    private static final List<String> REMOVED_GLOBALS = List.of("Java", "Packages", "Polyglot", "Graal", "load",
                                                                 "loadWithNewGlobal", "print", "printErr", "quit");

    private final Engine engine;
    private final Source prologue;
    private final BlockingQueue<Prepared> pool = new ArrayBlockingQueue<>(POOL_SIZE);
    private final ExecutorService refill = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("graaljs-pool").daemon(true).stackSize(GUEST_STACK_BYTES).factory());
    private final Watchdog watchdog = new Watchdog();
    private final Optional<TypeScriptStripper> typescript;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean ready;

    /** A context made ahead: its output switches and the SDK installer from the prologue. */
    private record Prepared(Context context, GuestOutput.Switch out, GuestOutput.Switch err, Value installer) {
    }

    private GraalJsExecutor() {
        this.engine = Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStreamSink.INSTANCE)
                .err(OutputStreamSink.INSTANCE)
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        this.prologue = Source.newBuilder("js", resource("prologue.js"), "conduit-sdk.js").buildLiteral();
        this.typescript = TypeScriptStripper.create(engine, watchdog);
    }

    /** Limits for the engine's own warm-up work. */
    static final dev.conduit.core.spi.ExecutionLimits WARM_UP_LIMITS = new dev.conduit.core.spi.ExecutionLimits(
            java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(60), Long.MAX_VALUE, 0, 0, 0, 0);

    /** Builds the engine now and warms it and the pool in the background. */
    static GraalJsExecutor start() {
        GraalJsExecutor executor = new GraalJsExecutor();
        executor.refill.submit(executor::warmUp);
        return executor;
    }

    private void warmUp() {
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                pool.offer(prepare());
            }
            typescript.ifPresent(TypeScriptStripper::warmUp);
            ready = true;
            LOGGER.log(Level.INFO, "graaljs ready: " + engine.getImplementationName() + " " + engine.getVersion());
        } catch (RuntimeException e) {
            failure.set(e.getMessage());
            LOGGER.log(Level.ERROR, "graaljs could not start", e);
        }
    }

    private Prepared prepare() {
        GuestOutput.Switch out = new GuestOutput.Switch(false);
        GuestOutput.Switch err = new GuestOutput.Switch(true);
        Context context = Context.newBuilder("js")
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(out)
                .err(err)
                .in(InputStream.nullInputStream())
                .allowHostAccess(HostAccess.CONSTRAINED)
                .allowHostClassLookup(className -> false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowNativeAccess(false)
                .allowCreateProcess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.graal-builtin", "false")
                .option("sandbox.MaxCPUTime", MAX_CPU_BACKSTOP)
                // Deep recursion must end as a resource limit, which guest code cannot catch. Left to the host
                // stack, it ends as a RangeError that a program can catch and recurse from again, and Truffle's
                // cancellation gets lost in those overflows (a guest looping this way outlived close(true)).
                // Needs guest threads with a large stack, which the gateway's guest pool has.
                .option("sandbox.MaxStackFrames", Integer.toString(MAX_STACK_FRAMES))
                .build();
        context.initialize("js");
        Value bindings = context.getBindings("js");
        REMOVED_GLOBALS.forEach(bindings::removeMember);
        Value installer = context.eval(prologue);
        return new Prepared(context, out, err, installer);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Language> languages() {
        return typescript.isPresent() ? Set.of(Language.JAVASCRIPT, Language.TYPESCRIPT) : Set.of(Language.JAVASCRIPT);
    }

    @Override
    public Availability availability() {
        String failed = failure.get();
        if (failed != null) {
            return new Availability(false, "failed to start: " + failed);
        }
        return new Availability(ready, ready ? engine.getImplementationName() + " " + engine.getVersion()
                + ", pool " + pool.size() + "/" + POOL_SIZE : "warming up");
    }

    @Override
    public ExecutionOutcome execute(ExecutionRequest request) {
        if (request.code().getBytes(StandardCharsets.UTF_8).length > request.limits().codeBytes()) {
            return new ExecutionOutcome.LimitExceeded(Limit.CODE_SIZE, "", "", "The program is larger than "
                    + request.limits().codeBytes() + " bytes");
        }
        String code = request.code();
        if (request.language() == Language.TYPESCRIPT) {
            try {
                code = typescript.orElseThrow(() -> new IllegalStateException("TypeScript is not available"))
                        .strip(code, request.limits(), request.tools());
            } catch (TypeScriptStripper.TypeScriptException e) {
                return new ExecutionOutcome.GuestError("", e.getMessage() + "\n", e.getMessage());
            }
        }
        Prepared prepared = pool.poll();
        if (prepared == null) {
            prepared = prepare();
        }
        refill.submit(() -> {
            if (pool.remainingCapacity() > 0) {
                pool.offer(prepare());
            }
        });
        GuestOutput output = new GuestOutput(request.limits().outputBytes(), request.limits().logEntries());
        prepared.out().target(output);
        prepared.err().target(output);
        Watchdog.Watched watched = watchdog.watch(Thread.currentThread(), prepared.context(), request.limits(), output,
                                                  request.tools());
        try {
            Value toJson = prepared.installer().execute(
                    (ProxyExecutable) args -> request.tools().call(args[0].asString(), args[1].asString()),
                    request.tools().manifestJson());
            Value value = settle(run(prepared.context(), code));
            Value converted = toJson.execute(value);
            String json = converted.isString() ? converted.asString() : null;
            if (json != null && json.length() > request.limits().outputBytes()) {
                // The result counts like output: a program cannot return what it may not print.
                return limit(Limit.OUTPUT, output);
            }
            return limitOrElse(watched, output, new ExecutionOutcome.Completed(output.stdout(), output.stderr(),
                                                                               Optional.ofNullable(json)));
        } catch (PolyglotException e) {
            return failed(watched, output, e);
        } catch (GuestRejection rejection) {
            output.appendError(rejection.getMessage() + "\n");
            return limitOrElse(watched, output, new ExecutionOutcome.GuestError(output.stdout(), output.stderr(),
                                                                                rejection.getMessage()));
        } finally {
            watchdog.unwatch(watched);
            prepared.out().target(null);
            prepared.err().target(null);
            try {
                prepared.context().close(true);
            } catch (RuntimeException e) {
                LOGGER.log(Level.TRACE, "closing a used context", e);
            }
        }
    }

    /** Runs the program as a script (its last value is the result); with top-level await, as an async function. */
    private static Value run(Context context, String code) {
        try {
            return context.eval(Source.create("js", code));
        } catch (PolyglotException e) {
            if (e.isSyntaxError() && String.valueOf(e.getMessage()).contains("await")) {
                return context.eval(Source.create("js", "(async () => {\n" + code + "\n})()"));
            }
            throw e;
        }
    }

    /** The value a promise settled to; a rejection becomes a guest error; a promise that never settles, undefined. */
    private static Value settle(Value value) {
        if (value == null || !value.hasMember("then") || !value.getMember("then").canExecute()) {
            return value;
        }
        Value[] resolved = new Value[1];
        Value[] rejected = new Value[1];
        value.invokeMember("then",
                           (ProxyExecutable) args -> resolved[0] = args.length > 0 ? args[0] : null,
                           (ProxyExecutable) args -> rejected[0] = args.length > 0 ? args[0] : null);
        if (rejected[0] != null) {
            throw new GuestRejection(describe(rejected[0]));
        }
        return resolved[0];
    }

    private static String describe(Value error) {
        if (error.hasMember("stack") && error.getMember("stack").isString()) {
            return error.getMember("stack").asString();
        }
        return error.toString();
    }

    private ExecutionOutcome failed(Watchdog.Watched watched, GuestOutput output, PolyglotException e) {
        Limit stopped = watched.stoppedBy();
        if (stopped != null) {
            return limit(stopped, output);
        }
        if (e.isResourceExhausted()) {
            String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            return limit(message.contains("cpu") ? Limit.CPU_TIME
                                 : message.contains("frame") || message.contains("stack") ? Limit.STACK_DEPTH
                                 : Limit.MEMORY, output);
        }
        if (e.isGuestException() || e.isSyntaxError()) {
            String message = String.valueOf(e.getMessage());
            output.appendError(message + guestStack(e) + "\n");
            if (e.getMessage() != null && e.getMessage().startsWith("RangeError: Maximum call stack")) {
                return new ExecutionOutcome.LimitExceeded(Limit.STACK_DEPTH, output.stdout(), output.stderr(),
                                                          "The program's call stack is too deep");
            }
            return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), message);
        }
        LOGGER.log(Level.ERROR, "graaljs failed", e);
        throw new IllegalStateException("the JavaScript engine failed", e);
    }

    private static String guestStack(PolyglotException e) {
        StringBuilder stack = new StringBuilder();
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (frame.isGuestFrame() && frame.getSourceLocation() != null
                && !"conduit-sdk.js".equals(frame.getSourceLocation().getSource().getName())) {
                stack.append("\n    at ").append(frame);
            }
        }
        return stack.toString();
    }

    private static ExecutionOutcome limitOrElse(Watchdog.Watched watched, GuestOutput output,
                                                ExecutionOutcome otherwise) {
        Limit stopped = watched.stoppedBy();
        if (stopped == null && output.exceeded() != null) {
            stopped = "log".equals(output.exceeded()) ? Limit.LOG_ENTRIES : Limit.OUTPUT;
        }
        return stopped == null ? otherwise : limit(stopped, output);
    }

    private static ExecutionOutcome limit(Limit limit, GuestOutput output) {
        String message = switch (limit) {
            case WALL_TIME -> "The program ran out of time";
            case CPU_TIME -> "The program used up its CPU time";
            case MEMORY -> "The program allocated more memory than allowed";
            case OUTPUT -> "The program wrote more output than allowed";
            case LOG_ENTRIES -> "The program wrote more log entries than allowed";
            case TOOL_CALLS -> "The program made more tool calls than allowed";
            case CODE_SIZE -> "The program is too large";
            case STACK_DEPTH -> "The program's call stack is too deep";
        };
        return new ExecutionOutcome.LimitExceeded(limit, output.stdout(), output.stderr(), message);
    }

    private static String resource(String name) {
        try (InputStream in = GraalJsExecutor.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        refill.shutdownNow();
        typescript.ifPresent(TypeScriptStripper::close);
        watchdog.close();
        List<Prepared> left = new ArrayList<>();
        pool.drainTo(left);
        left.forEach(prepared -> prepared.context().close(true));
        engine.close(true);
    }

    /** A promise the program returned was rejected. */
    private static final class GuestRejection extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        GuestRejection(String message) {
            super(message, null, false, false);
        }
    }

    /** The engine's own output goes nowhere: guests write through their context's streams. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
            // discarded
        }
    }
}
