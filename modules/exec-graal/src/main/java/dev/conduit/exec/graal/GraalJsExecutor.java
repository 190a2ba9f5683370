package dev.conduit.exec.graal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongUnaryOperator;

import dev.conduit.core.exec.GuestDigest;
import dev.conduit.core.exec.GuestRandom;
import dev.conduit.core.exec.ProgramForm;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Language;
import dev.conduit.sdkgen.GuestSdk;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The {@code graaljs} engine: JavaScript, and TypeScript with its types stripped by {@link TypeScriptStripper}. The
 * globals that lead to the host ({@code Java}, {@code Packages}, {@code load}, {@code print}, {@code Graal}, ...) are
 * removed from every context.
 */
final class GraalJsExecutor extends PooledExecutor {
    static final String NAME = "graaljs";
    /** The name a program's frames carry in its errors, as in Deno's and Rhino's. */
    private static final String PROGRAM = "program.js";
    /** What runs a program with top-level await or return as an async function's body, on its first line. */
    private static final String BODY_HEAD = "(async () => {";
    private static final int POOL_SIZE = 4;
    /**
     * Globals that lead (or look like they lead) to the host: the Java interop objects, the Nashorn-style package
     * roots ({@code java}, {@code com}, ...: inert without host access, but they name the host and invite probing),
     * the shell functions. {@code HostileProgramsTest} checks every global that is left against a list.
     */
    private static final List<String> REMOVED_GLOBALS = List.of("Java", "Packages", "Polyglot", "Graal", "load",
                                                                 "loadWithNewGlobal", "print", "printErr", "quit",
                                                                 "java", "javax", "javafx", "com", "org", "edu", "net");
    /**
     * {@link #REMOVED_GLOBALS} as the prologue takes them: it deletes them itself (one removal each through the
     * context's bindings cost 150 us of a context's 800).
     */
    private static final String REMOVED_GLOBALS_TEXT = String.join(",", REMOVED_GLOBALS);

    /** {@code (count) -> hex}: random bytes for the guest's crypto ({@link GuestRandom}). */
    private static final ProxyExecutable RANDOM = args -> GuestRandom.hex(
            args.length > 0 && args[0].fitsInLong() ? args[0].asLong() : 0);
    /** {@code (algorithm, bytes as Latin-1) -> hex}: the guest's crypto.subtle.digest ({@link GuestDigest}). */
    private static final ProxyExecutable DIGEST = args -> GuestDigest.hex(args[0].asString(), args[1].asString());

    private final Source prologue;
    private final Source sdk;
    private final Optional<TypeScriptStripper> typescript;

    private GraalJsExecutor() {
        super(NAME, "js", POOL_SIZE);
        this.prologue = Source.newBuilder("js", resource("prologue.js"), "conduit-sdk.js").buildLiteral();
        this.sdk = Source.newBuilder("js", GuestSdk.javascript(), "conduit-tools.js").buildLiteral();
        this.typescript = TypeScriptStripper.create(engine, watchdog);
    }

    /** Builds the engine now and warms it and the pool in the background. */
    static GraalJsExecutor start() {
        GraalJsExecutor executor = new GraalJsExecutor();
        executor.startWarmUp();
        return executor;
    }

    @Override
    protected void warmUp() {
        typescript.ifPresent(TypeScriptStripper::warmUp);
    }

    @Override
    protected Prepared prepare() {
        OutputSwitch out = new OutputSwitch(false);
        OutputSwitch err = new OutputSwitch(true);
        BridgeSwitch bridge = new BridgeSwitch();
        Context context = sandbox(out, err)
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.graal-builtin", "false")
                // The web APIs programs written for Deno use: TextEncoder and TextDecoder, performance.now()
                .option("js.text-encoding", "true")
                .option("js.performance", "true")
                .build();
        context.initialize("js");
        Value runner = context.eval(prologue).execute(bridge.start, bridge.answered, bridge.manifest, bridge.discover,
                                                      context.eval(sdk), bridge.room, bridge.hold, REMOVED_GLOBALS_TEXT,
                                                      RANDOM, DIGEST);
        return new Prepared(context, out, err, bridge, runner);
    }

    @Override
    public Set<Language> languages() {
        return typescript.isPresent() ? Set.of(Language.JAVASCRIPT, Language.TYPESCRIPT) : Set.of(Language.JAVASCRIPT);
    }

    @Override
    protected String preprocess(ExecutionRequest request) throws GuestFailure {
        if (request.language() != Language.TYPESCRIPT) {
            return request.code();
        }
        try {
            return typescript.orElseThrow(() -> new GuestFailure("TypeScript is not available in this build"))
                    .strip(request.code(), request.limits(), request.tools());
        } catch (TypeScriptStripper.TypeScriptException e) {
            throw new GuestFailure(e.getMessage());
        }
    }

    @Override
    protected LongUnaryOperator walk(Context context) {
        return HeldObjects.ofJavaScript(context, Thread.currentThread());
    }

    /**
     * Runs as a script (its last value is the result); with top-level await or return, as an async function's body
     * ({@link ProgramForm}). When the form chosen does not parse, the other is tried: a syntax error is found before
     * anything runs, so trying again runs nothing twice; if neither parses, the chosen form's error stands.
     */
    @Override
    protected Optional<String> run(Prepared prepared, String code) throws GuestFailure {
        boolean body = ProgramForm.of(code) == ProgramForm.ASYNC_BODY;
        Value value;
        try {
            value = prepared.context().eval(body ? asBody(code) : asScript(code));
        } catch (PolyglotException e) {
            if (!e.isSyntaxError()) {
                throw told(prepared, e, new Shape(code, body));
            }
            try {
                value = prepared.context().eval(body ? asScript(code) : asBody(code));
                body = !body;
            } catch (PolyglotException again) {
                if (again.isSyntaxError()) {
                    throw e;
                }
                throw told(prepared, again, new Shape(code, !body));
            }
        }
        Value converted = prepared.runner().getMember("result").execute(settle(prepared, value, new Shape(code, body)));
        return converted.isString() ? Optional.of(converted.asString()) : Optional.empty();
    }

    /**
     * Where the program's text sits in what GraalJS ran, for the frames of its errors: how many lines it has (the
     * wrapper's call of an async body comes after them) and how far the wrapper moves its first line.
     */
    private record Shape(int lines, int firstLineOffset) {
        Shape(String code, boolean body) {
            this((int) code.chars().filter(c -> c == '\n').count() + 1, body ? BODY_HEAD.length() : 0);
        }
    }

    /**
     * A program's failure as it is told, with its own frames in V8's form ("at f (program.js:1:22)", as Deno and
     * the program's own {@code e.stack} show them) and a thrown value that is no Error as Deno tells it
     * ("Uncaught { code: 42 }"): GraalJS's host-side frames read "at <js> f(program.js:1:21-41)" and named none of
     * a thrown object's content. Anything else, limits' cancellations among them, as it came.
     */
    private static PolyglotException told(Prepared prepared, PolyglotException e, Shape shape) throws GuestFailure {
        if (e.isGuestException()) {
            Optional<GuestFailure> told = told(prepared, e.getGuestObject(), shape);
            if (told.isPresent()) {
                GuestFailure failure = told.get();
                throw failure.stack().isEmpty() ? new GuestFailure(failure.getMessage(), frames(e, shape)) : failure;
            }
        }
        return e;
    }

    /**
     * The program's frames of a thrown value with no stack of its own, from the host's, in V8's form as the program's
     * errors have them: GraalJS's own read "at <js> f(program.js:1:15-26)".
     */
    private static String frames(PolyglotException e, Shape shape) {
        StringBuilder frames = new StringBuilder();
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            SourceSection at = frame.getSourceLocation();
            if (!frame.isGuestFrame() || at == null || !PROGRAM.equals(at.getSource().getName())
                || at.getStartLine() > shape.lines()
                || at.getStartLine() == 1 && at.getStartColumn() <= shape.firstLineOffset()) {
                continue;
            }
            int column = at.getStartLine() == 1 ? at.getStartColumn() - shape.firstLineOffset() : at.getStartColumn();
            String location = PROGRAM + ":" + at.getStartLine() + ":" + column;
            String name = frame.getRootName();
            frames.append("\n    at ").append(name == null || name.isEmpty() || name.startsWith(":") ? location
                                                     : name + " (" + location + ")");
        }
        return frames.toString();
    }

    /** How a thrown or rejected value is told (its message, its frames when it has a stack); empty when it is none. */
    private static Optional<GuestFailure> told(Prepared prepared, Value thrown, Shape shape) {
        if (thrown == null) {
            return Optional.empty();
        }
        Value told = prepared.runner().getMember("failure").execute(thrown, shape.lines(), shape.firstLineOffset());
        return Optional.of(new GuestFailure(told.getArrayElement(0).asString(), told.getArrayElement(1).asString()));
    }

    private static Source asScript(String code) {
        return Source.newBuilder("js", code, PROGRAM).buildLiteral();
    }

    /** The body of an async function called at once, from the wrapper's first line: the program's lines keep their numbers. */
    private static Source asBody(String code) {
        return Source.newBuilder("js", BODY_HEAD + code + "\n})()", PROGRAM).buildLiteral();
    }

    /**
     * The program's value, a promise's once it settled; a rejection is a guest failure. Meanwhile, and after it until
     * none is left, what the program waits for comes in: the answers of its tool calls, which run while it goes on
     * (the calls of {@code Promise.all} overlap, as in Deno, the original's TypeScript engine), and its timers,
     * microtasks drained after each step (GraalJS runs them as each call from the host returns). Between steps the
     * thread idles without its turn, in slices of {@value #IDLE_SLICE_MILLIS} ms that an answer ends early (the
     * watchdog's stop lands at the next step). A promise that nothing is left to settle is a guest failure that says
     * so.
     */
    private static Value settle(Prepared prepared, Value value, Shape shape) throws GuestFailure {
        boolean promise = value != null && value.hasMember("then") && value.getMember("then").canExecute();
        Value[] settled = new Value[2]; // the value, or the reason of a rejection
        boolean[] done = new boolean[2]; // settled, rejected
        if (promise) {
            value.invokeMember("then", (ProxyExecutable) args -> settledAs(settled, done, false, args),
                               (ProxyExecutable) args -> settledAs(settled, done, true, args));
        }
        Value next = prepared.runner().getMember("next");
        while (!done[1]) {
            long wait = next.execute().asLong();
            if (wait < 0) {
                break;
            }
            if (wait > 0) {
                prepared.bridge().idle(Math.min(wait, IDLE_SLICE_MILLIS));
            }
        }
        if (done[1]) {
            Value error = settled[1];
            Optional<GuestFailure> told = told(prepared, error, shape);
            throw told.isPresent() ? told.get() : new GuestFailure(String.valueOf(error));
        }
        if (promise && !done[0]) {
            throw new GuestFailure("Error: the program awaits a promise that nothing is left to settle (no timer is "
                                   + "pending and no tool call is out)");
        }
        return promise ? settled[0] : value;
    }

    private static Object settledAs(Value[] settled, boolean[] done, boolean rejected, Value... args) {
        settled[rejected ? 1 : 0] = args.length > 0 ? args[0] : null;
        done[0] = true;
        done[1] = rejected;
        return null;
    }

    /** The longest a waiting program idles before its next step: how late a stop may land. */
    private static final long IDLE_SLICE_MILLIS = 50;

    @Override
    public void close() {
        typescript.ifPresent(TypeScriptStripper::close);
        super.close();
    }
}
