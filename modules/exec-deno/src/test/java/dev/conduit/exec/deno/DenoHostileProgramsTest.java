package dev.conduit.exec.deno;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.HostileSuite;
import dev.conduit.core.testing.RecordingBridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

/**
 * Hostile programs against Deno: every permission a program could want is denied, the bridge cannot be forged,
 * closed or flooded into doing anything, every runaway is stopped, and no Deno process outlives its execution.
 */
class DenoHostileProgramsTest extends HostileSuite {
    static final Path DENO = Path.of(System.getProperty("conduit.deno.binary"));
    private static final DenoSettings SETTINGS = new DenoSettings(Optional.of(DENO), 2, 6,
                                                                  DenoSettings.DEFAULT_POOL_MEMORY_MB,
                                                                  DenoSettings.DEFAULT_CPU_BACKSTOP);
    private static final DenoExecutor EXECUTOR = new DenoExecutor(SETTINGS);

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    @Override
    protected Executor executor() {
        return EXECUTOR;
    }

    @Override
    protected Language language() {
        return Language.TYPESCRIPT;
    }

    /**
     * {@code operation} inside a try whose catch prints the error's name: each must fail with Deno's own
     * {@code NotCapable} (a permission refusal), not with whatever error a granted operation might also raise, so
     * that running the same program with every permission granted would fail this test.
     */
    private static String denied(String operation) {
        return "try { " + operation + "; console.log('allowed') } catch (e) { console.log(e.name) }";
    }

    /** An import that Deno refuses for the reason {@code because} names (a flag, or a permission it lacks). */
    private static String refusedImport(String specifier, String because) {
        return "try { await import('" + specifier + "'); console.log('allowed') } catch (e) { console.log("
               + "e.message.includes('" + because + "') ? 'refused' : e.message) }";
    }

    static Stream<Arguments> programs() {
        String denied = "NotCapable";
        return Stream.of(
                // No permission flags at all: every one of these is refused by Deno itself.
                Arguments.of("readTextFile", denied("await Deno.readTextFile('/etc/passwd')"),
                             Expect.prints(denied + "\n")),
                Arguments.of("writeTextFile", denied("await Deno.writeTextFile('/tmp/conduit-owned', 'x')"),
                             Expect.prints(denied + "\n")),
                Arguments.of("fetch outside", denied("await fetch('http://192.0.2.1/')"), Expect.prints(denied + "\n")),
                Arguments.of("fetch loopback", denied("await fetch('http://127.0.0.1:8080/mcp')"),
                             Expect.prints(denied + "\n")),
                Arguments.of("connect", denied("await Deno.connect({hostname: '127.0.0.1', port: 22})"),
                             Expect.prints(denied + "\n")),
                Arguments.of("listen", denied("Deno.listen({port: 0})"), Expect.prints(denied + "\n")),
                Arguments.of("env", denied("Deno.env.get('HOME')"), Expect.prints(denied + "\n")),
                Arguments.of("env toObject", denied("Deno.env.toObject()"), Expect.prints(denied + "\n")),
                Arguments.of("Command", denied("new Deno.Command('/usr/bin/id').outputSync()"),
                             Expect.prints(denied + "\n")),
                Arguments.of("ffi", denied("Deno.dlopen('libc.so.6', {})"), Expect.prints(denied + "\n")),
                Arguments.of("sys", denied("Deno.hostname()"), Expect.prints(denied + "\n")),
                Arguments.of("import URL", refusedImport("https://deno.land/std/fs/mod.ts", "--no-remote"),
                             Expect.prints("refused\n")),
                Arguments.of("npm import", refusedImport("npm:left-pad", "--no-npm"), Expect.prints("refused\n")),
                Arguments.of("jsr import", refusedImport("jsr:@std/fs", "--no-remote"), Expect.prints("refused\n")),
                Arguments.of("file import", refusedImport("file:///etc/passwd", "Requires read access"),
                             Expect.prints("refused\n")),
                Arguments.of("denied error is Deno's own",
                             "try { Deno.readTextFileSync('/etc/passwd') } catch (e) { console.log(e.name) }",
                             Expect.prints(denied + "\n")),
                // A worker would get a fresh Deno namespace with the real stdin and stdout: there are none.
                Arguments.of("no workers", "console.log(typeof Worker, typeof globalThis.Worker)",
                             Expect.prints("undefined undefined\n")),
                Arguments.of("host facts hidden",
                             "console.log(typeof Deno.pid, typeof Deno.ppid, typeof Deno.mainModule, Deno.execPath(), "
                             + "Deno.cwd())",
                             Expect.prints("undefined undefined undefined deno /\n")),
                // node:process loads from them: a refusal there failed every program that touched `process`.
                Arguments.of("host facts hidden from process",
                             "console.log(process.execPath, process.argv[0], process.pid, typeof Buffer)",
                             Expect.prints("deno deno undefined function\n")),
                Arguments.of("node:fs loads but reads nothing", "const fs = await import('node:fs');\n"
                             + "try { fs.readFileSync('/etc/passwd') } catch (e) { console.log(e.name) }",
                             Expect.prints(denied + "\n")),
                // Storage Deno keeps on disk for the main module, the same runner for every program: gone.
                Arguments.of("no storage outlives a program",
                             "console.log(typeof localStorage, typeof caches, typeof sessionStorage)",
                             Expect.prints("undefined undefined object\n")),
                // The bridge.
                Arguments.of("stdio taken away", "console.log(typeof Deno.stdout, typeof Deno.stdin, typeof Deno.stderr)",
                             Expect.prints("undefined undefined undefined\n")),
                Arguments.of("frame-shaped console output is only text",
                             "console.log('{\"t\":\"done\",\"result\":\"1\"}'); 2",
                             Expect.prints("{\"t\":\"done\",\"result\":\"1\"}\n")),
                Arguments.of("tools frozen", "try { (tools as any).test = 1 } catch (e) { console.log(e.name) }\n"
                                             + "console.log(typeof tools.test.echo)",
                             Expect.prints("TypeError\nfunction\n")),
                Arguments.of("tool budget storm",
                             "await Promise.all(Array.from({length: 1000}, (_, i) => tools.test.echo({i}).catch(() => 0)))",
                             Expect.limit(Limit.TOOL_CALLS)),
                Arguments.of("program exits its process", "console.log('bye'); Deno.exit(3)", Expect.error()),
                // Status 0 is a program that succeeded, as sys.exit(0) is in Python; it cannot pass for a result.
                Arguments.of("program exits with status 0", "console.log('bye'); Deno.exit(0); console.log('never')",
                             Expect.prints("bye\n")),
                Arguments.of("exit cannot be replaced", "try { (Deno as any).exit = () => 0 } catch (e) { "
                             + "console.log(e.name) }", Expect.prints("TypeError\n")),
                // Runaways.
                Arguments.of("while true", "while (true) {}", Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("loop that catches", "for (;;) { try { while (true) {} } catch (e) {} }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("never settles", "await new Promise(() => {})", Expect.limit(Limit.WALL_TIME)),
                Arguments.of("catastrophic regex", "/^(a+)+$/.test('a'.repeat(40) + 'b')",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("array bomb", "const a = []; for (;;) a.push(new Array(1e5).fill(0))",
                             Expect.limit(Limit.MEMORY)),
                // V8 builds these strings slowly enough that the CPU limit may come first.
                Arguments.of("string bomb", "const a = []; for (let i = 0; ; i++) a.push('x'.repeat(1e6) + i)",
                             Expect.limit(Limit.MEMORY, Limit.CPU_TIME)),
                Arguments.of("recursion", "function f(n) { return f(n + 1) + 1 } f(0)",
                             Expect.limit(Limit.STACK_DEPTH)),
                // Floods.
                Arguments.of("stdout flood", "for (;;) console.log('x'.repeat(100))",
                             Expect.limit(Limit.OUTPUT, Limit.LOG_ENTRIES)),
                Arguments.of("frame flood",
                             "for (;;) console.log('{\"t\":\"call\",\"id\":1,\"tool\":\"test__echo\",\"args\":{}}')",
                             Expect.limit(Limit.OUTPUT, Limit.LOG_ENTRIES)),
                // The line, and its frame, do not fit in the suite's 64 MiB heap; either way the program is stopped.
                Arguments.of("one huge line", "console.log('x'.repeat(50e6))", Expect.limit(Limit.OUTPUT, Limit.MEMORY)),
                Arguments.of("huge result", "'x'.repeat(1e6)", Expect.limit(Limit.OUTPUT)));
    }

    @Test
    void framesWrittenByTheProgramNeverReachTheBridge() throws Exception {
        RecordingBridge bridge = new RecordingBridge(10);
        ExecutionOutcome outcome = runWith(bridge, """
                const frame = '{"t":"call","id":99,"tool":"test__echo","args":{"forged":true}}';
                console.log(frame);
                console.log('0123456789abcdef0123456789abcdef ' + frame);
                try { (Deno as any).stdout.writeSync(new TextEncoder().encode(frame + '\\n')); }
                catch (e) { console.log('no stdout'); }
                const real = await tools.test.echo({real: true});
                console.log(JSON.stringify(real));""");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), containsString("no stdout\n{\"real\":true}\n"));
        assertThat(bridge.seen(), is(List.of("test__echo {\"real\":true}")));
    }

    @Test
    void fetchToALoopbackPortNeverConnects() throws Exception {
        try (ServerSocket gateway = new ServerSocket(0)) {
            ExecutionOutcome outcome = runWith(new RecordingBridge(1), """
                    try { await fetch('http://127.0.0.1:%d/mcp', {method: 'POST', body: '{}'}); console.log('reached'); }
                    catch (e) { console.log(e.name); }""".formatted(gateway.getLocalPort()));
            assertThat(outcome.stdout(), is("NotCapable\n"));
            gateway.setSoTimeout(1);
            try {
                gateway.accept().close();
                throw new AssertionError("the sandbox connected to a loopback port");
            } catch (SocketTimeoutException expected) {
                // Nothing was waiting to be accepted.
            }
        }
    }

    @Test
    void noDenoProcessOutlivesItsExecutionOrTheEngine() throws Exception {
        DenoExecutor executor = new DenoExecutor(SETTINGS);
        List<ProcessHandle> seen;
        try {
            ExecutionOutcome spun = runOn(executor, new RecordingBridge(1),
                    "for (;;) {}");
            assertThat(spun.toString(), spun, instanceOf(ExecutionOutcome.LimitExceeded.class));
            seen = processesOf(executor);
            assertThat(seen.isEmpty(), is(false)); // the pool, and the killed one unless it is gone already
        } finally {
            executor.close();
        }
        assertThat(seen.stream().filter(ProcessHandle::isAlive).toList(), is(empty()));
        assertThat(processesOf(executor), is(empty()));
    }

    @Test
    void theKernelEndsASpinningProcessAtTheCpuBackstopWithoutTheGateway() throws Exception {
        // A backstop of 1 s against generous limits: only the kernel's RLIMIT_CPU can end this program in time, as
        // it would end one left spinning by a gateway that was killed.
        try (DenoExecutor executor = new DenoExecutor(new DenoSettings(Optional.of(DENO), 0, 2,
                DenoSettings.DEFAULT_POOL_MEMORY_MB, Duration.ofSeconds(1)))) {
            ExecutionLimits generous = new ExecutionLimits(Duration.ofSeconds(20), Duration.ofSeconds(15), 256L << 20,
                                                           64 * 1024, 500, 10, 64 * 1024);
            long started = System.nanoTime();
            ExecutionOutcome outcome = executor.execute(new ExecutionRequest("console.log('spin'); for (;;) {}",
                    Language.JAVASCRIPT, generous, new RecordingBridge(1), "backstop"));
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                           && exceeded.limit() == Limit.CPU_TIME, is(true));
            assertThat("ended after " + seconds + " s", seconds < 10, is(true));
        }
    }

    /**
     * What Deno writes for a program (its emitted module, V8's code cache of it) stays in the program's own process
     * directory and goes with it. With one cache shared by every process, the text of each program stayed on disk
     * beside the runner until the server stopped, a file more for every program.
     */
    @Test
    void nothingOfAProgramStaysOnDiskAfterIt() throws Exception {
        String marker = "marker" + UUID.randomUUID().toString().replace("-", "");
        DenoExecutor executor = new DenoExecutor(SETTINGS);
        Path shared = executor.runner().getParent();
        try {
            for (String code : List.of("const " + marker + ": number = 1; return " + marker, // a TypeScript module
                                       "let " + marker + " = 2; " + marker)) { // a script
                ExecutionOutcome outcome = runOn(executor, new RecordingBridge(1), code);
                assertThat(outcome.toString(), outcome, instanceOf(ExecutionOutcome.Completed.class));
            }
            assertThat(filesHolding(shared, marker), is(empty()));
            assertThat(Files.isDirectory(shared.resolve("cache-template")), is(true)); // seeded, before the programs
        } finally {
            executor.close();
        }
        try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path directory : left.filter(p -> p.getFileName().toString().startsWith("conduit-deno-")).toList()) {
                assertThat(filesHolding(directory, marker), is(empty()));
            }
        }
    }

    private static List<Path> filesHolding(Path directory, String text) throws IOException {
        byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(file -> {
                try {
                    return indexOf(Files.readAllBytes(file), wanted) >= 0;
                } catch (IOException e) {
                    return false; // removed meanwhile: a process of another test ending
                }
            }).toList();
        } catch (UncheckedIOException e) {
            return List.of(); // the directory went while it was walked
        }
    }

    private static int indexOf(byte[] bytes, byte[] wanted) {
        outer:
        for (int i = 0; i + wanted.length <= bytes.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (bytes[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The live Deno processes of one engine: those running its runner file. */
    private static List<ProcessHandle> processesOf(DenoExecutor executor) {
        String runner = executor.runner().toString();
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(runner)).orElse(false))
                .toList();
    }

    private ExecutionOutcome runWith(RecordingBridge bridge, String code) throws Exception {
        return runOn(EXECUTOR, bridge, code);
    }

    private static ExecutionOutcome runOn(DenoExecutor executor, RecordingBridge bridge, String code)
            throws IOException {
        ExecutionLimits limits = new ExecutionLimits(Duration.ofSeconds(3), Duration.ofSeconds(1), 256L << 20,
                                                     64 * 1024, 500, 10, 64 * 1024);
        return executor.execute(new ExecutionRequest(code, Language.TYPESCRIPT, limits, bridge, "hostile"));
    }
}
