package dev.conduit.exec.rhino;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

import dev.conduit.core.exec.FirstProgram;
import dev.conduit.core.exec.GuestCalls;
import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.exec.GuestDigest;
import dev.conduit.core.exec.GuestRandom;
import dev.conduit.core.exec.LiveHeap;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.sdkgen.GuestSdk;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.JavaScriptException;
import org.mozilla.javascript.LambdaFunction;
import org.mozilla.javascript.NativeJSON;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;
import org.mozilla.javascript.WrappedException;

/**
 * The {@code rhino} engine: lightweight JavaScript on Mozilla Rhino, in-process, with no warm-up and a small footprint.
 * Each execution gets a fresh scope of safe standard objects (no {@code java}, {@code Packages} or other LiveConnect
 * globals), made ahead with the SDK installed ({@link Prepared}), in a context made by
 * {@link SandboxContextFactory}; the SDK prologue is compiled once and run in every scope. Rhino has neither
 * {@code async} functions nor {@code await}, so programs go through {@link AwaitRewriter} first; tool calls run
 * while the program goes on, and an {@code await} settles what it waits for by running the timers and handing over
 * the calls' answers on the guest's thread.
 */
final class RhinoExecutor implements Executor {
    static final String NAME = "rhino";
    private static final System.Logger LOGGER = System.getLogger(RhinoExecutor.class.getName());
    private static final String PROGRAM_NAME = ProgramSource.NAME;
    private static final String SDK_NAME = "conduit-sdk.js";
    private static final String TOOLS_NAME = "conduit-tools.js";
    /** Rhino's non-standard globals that a sandbox has no use for (continuations capture the interpreter's state). */
    private static final List<String> REMOVED_GLOBALS = List.of("Continuation", "JavaException", "Script", "With",
                                                                "Call", "isXMLName", "Iterator", "StopIteration");

    private static final int POOL_SIZE = 2;

    private final SandboxContextFactory factory = new SandboxContextFactory();
    /** Scopes made ahead ({@link Prepared}); an execution that finds none makes its own. */
    private final BlockingQueue<Prepared> pool = new ArrayBlockingQueue<>(POOL_SIZE);
    private final ExecutorService refill = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("rhino-pool")
                                                                                     .daemon(true).factory());
    private final String version;
    /** Compiled by the first program (in the background once the server listens), not while the server starts. */
    private volatile Prelude prelude;
    private volatile CompletableFuture<Void> started = CompletableFuture.completedFuture(null);

    /** The SDK prologue and the generated tools module, compiled once and run in every scope. */
    private record Prelude(Script prologue, Script sdk) {
    }

    RhinoExecutor() {
        SandboxContextFactory.denseArrays();
        try (Context context = factory.enterContext()) {
            this.version = context.getImplementationVersion();
        }
    }

    /**
     * The prelude, compiled at first use: compiling it took 160 ms of the start-up's main thread on 2 cores (Rhino's
     * parser running for the first time), before the socket listened.
     */
    private Prelude prelude(Context context) {
        Prelude compiled = prelude;
        if (compiled == null) {
            synchronized (factory) {
                compiled = prelude;
                if (compiled == null) {
                    compiled = new Prelude(context.compileString(resource("prologue.js"), SDK_NAME, 1, null),
                                           context.compileString(GuestSdk.javascript(), TOOLS_NAME, 1, null));
                    prelude = compiled;
                }
            }
        }
        return compiled;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Language> languages() {
        return Set.of(Language.JAVASCRIPT);
    }

    /**
     * Runs a first program in the background: the next ones take a tenth of its time ({@link FirstProgram}). Then the
     * server's own use of the heap is measured again, as it grew by the engine's warm-up.
     */
    void runFirstProgram() {
        started = FirstProgram.run(this, Language.JAVASCRIPT, "return 1 + 1")
                .thenRun(() -> LiveHeap.shared().calibrate());
    }

    @Override
    public CompletableFuture<Void> started() {
        return started.copy();
    }

    @Override
    public Availability availability() {
        return new Availability(true, version);
    }

    @Override
    public ExecutionOutcome execute(ExecutionRequest request) {
        Optional<ExecutionOutcome> refused = GuestOutput.refuseOversized(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        GuestOutput output = new GuestOutput(request.limits().outputBytes(), request.limits().logEntries());
        try (Guard guard = new Guard(request.limits(), output, request.tools());
             Context context = factory.enterContext()) {
            context.putThreadLocal(Guard.class, guard);
            Prepared prepared = pool.poll();
            if (prepared == null) {
                prepared = prepare(context);
            }
            if (pool.isEmpty()) {
                refill(); // else once this program is over: making a scope beside it would slow it down
            }
            prepared.target().serve(request, guard, output);
            ScriptableObject scope = prepared.scope();
            Function finish = prepared.finish();
            guard.heap().walkedBy(HeldObjects.of(scope, context));
            ProgramSource program = ProgramSource.of(AwaitRewriter.rewrite(request.code()));
            Optional<String> wrong = LoopBindings.problem(program);
            if (wrong.isPresent()) {
                String message = "The rhino engine cannot run this program correctly: " + wrong.get()
                                 + ". Run it on graaljs or deno (\"engine\" in the request), or use var";
                output.appendError(message + "\n");
                return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), message);
            }
            Object json;
            try {
                Object value = program.compile(context).exec(context, scope, scope);
                json = finish.call(context, scope, scope, new Object[] {value});
            } catch (JavaScriptException thrown) {
                return guestError(thrown, uncaught(thrown, context, scope), output);
            }
            guard.check();
            String result = json instanceof CharSequence text ? text.toString() : null;
            if (result != null && result.length() > request.limits().outputBytes()) {
                // The result counts like output: a program cannot return what it may not print.
                return output.stoppedBy(Limit.OUTPUT);
            }
            return new ExecutionOutcome.Completed(output.stdout(), output.stderr(), Optional.ofNullable(result));
        } catch (LimitStop stop) {
            return output.stoppedBy(stop.limit());
        } catch (StackOverflowError overflow) {
            return output.stoppedBy(Limit.STACK_DEPTH);
        } catch (OutOfMemoryError exhausted) {
            // The heap ran out under the guest's allocation: the memory limit failing closed. What the program held is
            // unreachable once this frame is left.
            return output.stoppedBy(Limit.MEMORY);
        } catch (WrappedException wrapped) {
            if (wrapped.getWrappedException() instanceof LimitStop stop) {
                return output.stoppedBy(stop.limit());
            }
            LOGGER.log(Level.ERROR, "rhino host function failed", wrapped);
            throw new IllegalStateException("the rhino engine failed", wrapped.getWrappedException());
        } catch (RhinoException guest) {
            return guestError(guest, output);
        } catch (RuntimeException e) {
            // Rhino's own failure on something the program did (it reads the stack of an error whose prototype was
            // replaced with __proto__ by casting that prototype to an error; a CallSite made by hand fails with a
            // NullPointerException): the program's failure, said plainly, with what it printed, instead of the
            // server's internal error. Host functions' failures come wrapped (above); the log keeps the trace.
            LOGGER.log(Level.WARNING, "rhino failed on a program", e);
            String message = "The rhino engine failed while running this program (" + e.getClass().getSimpleName()
                             + " inside Rhino). Run it on graaljs or deno (\"engine\" in the request)";
            output.appendError(message + "\n");
            return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), message);
        } finally {
            refill();
        }
    }

    /**
     * A scope made ahead: safe standard objects, the SDK installed, and host functions that serve whichever execution
     * takes it ({@link Target}). Used once. Made on the pool's thread, a standard scope and the SDK's installation
     * took 2-2.5 ms of a request's 3 ms ({@code return 1;}, warm); Rhino's objects may be used on any thread that has
     * entered a context of the same factory.
     */
    private record Prepared(ScriptableObject scope, Function finish, Target target) {
    }

    /** The execution a prepared scope's host functions serve; set once, by the execution that takes the scope. */
    private static final class Target {
        private volatile ExecutionRequest request;
        private volatile Guard guard;
        private volatile GuestOutput output;
        private volatile GuestCalls calls;

        void serve(ExecutionRequest request, Guard guard, GuestOutput output) {
            this.request = request;
            this.guard = guard;
            this.output = output;
            this.calls = new GuestCalls(request.tools());
        }
    }

    /** A fresh scope, its SDK installed, for an execution to come. */
    private Prepared prepare(Context context) {
        Target target = new Target();
        ScriptableObject scope = context.initSafeStandardObjects();
        REMOVED_GLOBALS.forEach(scope::delete);
        shareStackHooks(scope);
        Prelude code = prelude(context);
        Function install = (Function) code.prologue().exec(context, scope, scope);
        Function finish = (Function) install.call(context, scope, scope, new Object[] {
                starter(scope, target), answers(scope, target), manifest(scope, target), discovery(scope, target),
                writer(scope, target),
                new LambdaFunction(scope, "drain", 0, (cx, s, self, args) -> {
                    cx.processMicrotasks();
                    return Undefined.instance;
                }), code.sdk().exec(context, scope, scope),
                new LambdaFunction(scope, "room", 1, (cx, s, self, args) -> (double) target.guard.heap().room(
                        args.length > 0 ? (long) Context.toNumber(args[0]) : 0)),
                new LambdaFunction(scope, "hold", 1, (cx, s, self, args) -> {
                    // A fresh object each time: its reachability is the buffer's it is tied to.
                    Scriptable token = cx.newObject(s);
                    target.guard.heap().hold(token, args.length > 0 ? (long) Context.toNumber(args[0]) : 0);
                    return token;
                }), idler(scope, target),
                new LambdaFunction(scope, "random", 1, (cx, s, self, args) -> GuestRandom.hex(
                        args.length > 0 ? (long) Context.toNumber(args[0]) : 0)),
                new LambdaFunction(scope, "digest", 2, (cx, s, self, args) -> GuestDigest.hex(
                        Context.toString(args[0]), Context.toString(args[1]))),
                new LambdaFunction(scope, "zoneOffset", 2, (cx, s, self, args) -> ZoneOffsets.minutes(
                        Context.toString(args[0]), Context.toNumber(args[1])))});
        return new Prepared(scope, finish, target);
    }

    /**
     * {@code Error.prepareStackTrace} and {@code Error.stackTraceLimit} for every error, as in V8 (the SDK sets the
     * first, so that a caught error's {@code stack} starts with its name and message): Rhino keeps both with
     * {@code Error.prototype} and reads them from the prototype of the error at hand, so a TypeError or RangeError went
     * without. The native errors' prototypes are given Error's. Rhino's key for them is internal: without it (another
     * Rhino), nothing changes and the executor contract's stack test says so.
     */
    private static void shareStackHooks(ScriptableObject scope) {
        String key = "_ErrorPrototypeProps";
        Object hooks = ScriptableObject.getClassPrototype(scope, "Error") instanceof ScriptableObject error
                ? error.getAssociatedValue(key) : null;
        if (hooks == null) {
            return;
        }
        for (String name : List.of("TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError",
                                   "URIError", "AggregateError")) {
            if (ScriptableObject.getClassPrototype(scope, name) instanceof ScriptableObject prototype) {
                prototype.associateValue(key, hooks);
            }
        }
    }

    /** Fills the pool on the pool's thread. */
    private void refill() {
        try {
            refill.execute(() -> {
                boolean taken = true;
                while (taken && pool.remainingCapacity() > 0 && !refill.isShutdown()) {
                    // A context of its own for each scope: Rhino caches objects per context (the function that throws
                    // for a strict function's `caller`, with the prototype of the scope it was first made for), so
                    // two scopes made in one context were linked, and the one waiting kept the other's program
                    // reachable after it ended (its memory blamed on the programs that came after).
                    try (Context context = factory.enterContext()) {
                        taken = pool.offer(prepare(context));
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // Closing: no more scopes are needed.
        }
    }

    /**
     * Idles until a timer is due or a tool call answers, without the program's turn to run guest code, for at most
     * {@value #IDLE_SLICE_MILLIS} ms with the limits checked before and after: Rhino's guard is checked on the guest's
     * own thread only, so a slice is how late a wall-time stop may land.
     */
    private static LambdaFunction idler(ScriptableObject scope, Target target) {
        return new LambdaFunction(scope, "idle", 1, (cx, s, self, args) -> {
            long wait = args.length > 0 ? (long) Context.toNumber(args[0]) : 0;
            target.guard.check();
            target.request.tools().idle(Math.min(wait, IDLE_SLICE_MILLIS));
            target.guard.check();
            return Undefined.instance;
        });
    }

    private static final long IDLE_SLICE_MILLIS = 50;

    /** {@code (tool, argumentsJson) -> number}: notes a tool call, begun when the program waits. */
    private static LambdaFunction starter(ScriptableObject scope, Target target) {
        return new LambdaFunction(scope, "start", 2, (cx, s, self, args) -> {
            target.guard.check();
            return (double) target.calls.start(Context.toString(args[0]), Context.toString(args[1]));
        });
    }

    /**
     * {@code (alone) -> "<number> <answer JSON>" or null}: begins the calls noted (one alone on this thread), then the
     * next that answered.
     */
    private static LambdaFunction answers(ScriptableObject scope, Target target) {
        return new LambdaFunction(scope, "answered", 1, (cx, s, self, args) -> {
            String answer = target.calls.answered(args.length > 0 && Context.toBoolean(args[0]));
            target.guard.check(); // the budget: the call that spent it is refused by the gateway and stops the guest
            return answer;
        });
    }

    /** The manifest of the tools the execution may call, asked for the first time the program touches {@code tools}. */
    private static LambdaFunction manifest(ScriptableObject scope, Target target) {
        return new LambdaFunction(scope, "manifest", 0, (cx, s, self, args) -> target.request.tools().manifestJson());
    }

    private static LambdaFunction discovery(ScriptableObject scope, Target target) {
        return new LambdaFunction(scope, "discover", 1, (cx, s, self, args) -> target.request.tools()
                .discoverJson(Context.toString(args[0])));
    }

    private static LambdaFunction writer(ScriptableObject scope, Target target) {
        return new LambdaFunction(scope, "write", 2, (cx, s, self, args) -> {
            GuestOutput output = target.output;
            byte[] text = Context.toString(args[1]).getBytes(StandardCharsets.UTF_8);
            output.write(Context.toBoolean(args[0]), text, 0, text.length);
            if (output.exceeded().isPresent()) {
                throw new LimitStop(output.exceeded().get());
            }
            return Undefined.instance;
        });
    }

    private static ExecutionOutcome guestError(RhinoException e, GuestOutput output) {
        String details = e.details();
        if (e instanceof EvaluatorException && details != null && details.contains("maximum stack depth")) {
            return output.stoppedBy(Limit.STACK_DEPTH);
        }
        return guestError(e, e instanceof EvaluatorException
                             ? "SyntaxError: " + details + " (" + PROGRAM_NAME + ":" + e.lineNumber() + ")"
                             : details, output);
    }

    private static ExecutionOutcome guestError(RhinoException e, String message, GuestOutput output) {
        output.appendError(message + guestStack(e) + "\n");
        return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), message);
    }

    /**
     * How a thrown or rejected value reads: an Error by its name and message, anything else as Deno tells it,
     * {@code Uncaught {"code":42}} (as JSON, as Rhino's console prints values): Rhino's own text of a thrown object was
     * "[object Object]". Made while the program's context is still entered, under its limits.
     */
    private static String uncaught(JavaScriptException thrown, Context context, Scriptable scope) {
        Object value = thrown.getValue();
        if (value instanceof Scriptable object && "Error".equals(object.getClassName())) {
            return thrown.details();
        }
        Object told;
        try {
            told = value instanceof Scriptable && !(value instanceof Function) || value instanceof CharSequence
                   ? NativeJSON.stringify(context, scope, value, null, null) : Context.toString(value);
        } catch (RhinoException e) {
            told = null; // a cycle, a BigInt: JSON cannot tell it
        }
        return "Uncaught " + (told instanceof CharSequence text ? text : thrown.details());
    }

    /** The guest's own frames, in the form {@code at program.js:3 (f)}; the SDK's frames are left out. */
    private static String guestStack(RhinoException e) {
        return e.getScriptStackTrace().lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.contains(SDK_NAME) && !line.contains(TOOLS_NAME))
                .map(line -> "\n    " + line)
                .collect(Collectors.joining());
    }

    private static String resource(String name) {
        try (InputStream in = RhinoExecutor.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Completes once the scopes asked for so far are made (for tests). */
    CompletableFuture<Void> refilled() {
        return CompletableFuture.runAsync(() -> { }, refill);
    }

    /** What each scope made ahead reaches through Rhino's objects, in bytes, counting no further than {@code limit}. */
    List<Long> pooledReach(long limit) {
        return pool.stream().map(prepared -> HeldObjects.reach(List.of(prepared.scope(), prepared.finish()), limit))
                .toList();
    }

    @Override
    public OptionalInt pooled() {
        return OptionalInt.of(pool.size());
    }

    @Override
    public void close() {
        refill.shutdownNow();
        pool.clear();
    }
}
