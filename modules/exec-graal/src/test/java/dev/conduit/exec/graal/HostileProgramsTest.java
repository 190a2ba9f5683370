package dev.conduit.exec.graal;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.HostileSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/** Hostile programs against GraalJS: host escapes, runaway loops, bombs, floods, budget abuse, attempts on the bridge. */
class HostileProgramsTest extends HostileSuite {
    /**
     * Every global a program may see: ECMAScript's, {@code console}, and the SDK's. A new global (a GraalJS upgrade,
     * an option) fails the test until someone decides it belongs here or in the removed list.
     */
    private static final String KNOWN_GLOBALS = "['Object','Function','Array','String','Date','Number','Boolean',"
            + "'RegExp','Math','JSON','NaN',"
            + "'Infinity','undefined','isNaN','isFinite','parseFloat','parseInt','encodeURI','encodeURIComponent',"
            + "'decodeURI','decodeURIComponent','eval','escape','unescape','Error','EvalError','RangeError',"
            + "'ReferenceError','SyntaxError','TypeError','URIError','AggregateError','ArrayBuffer','Int8Array',"
            + "'Uint8Array','Uint8ClampedArray','Int16Array','Uint16Array','Int32Array','Uint32Array',"
            + "'Float32Array','Float64Array','BigInt64Array','BigUint64Array','Float16Array','DataView','BigInt',"
            + "'Map','Set','WeakMap','WeakSet','Symbol','Reflect','Proxy','Promise','Iterator',"
            + "'SharedArrayBuffer','Atomics','globalThis','WeakRef','FinalizationRegistry','Intl','console',"
            + "'arguments','tools','discoverMCPTools','ToolError','setTimeout','setInterval','clearTimeout',"
            + "'clearInterval','queueMicrotask','atob','btoa','structuredClone','TextEncoder','TextDecoder',"
            + "'performance','Performance','crypto','URL','URLSearchParams','Symbol(Symbol.toStringTag)']";
    private static GraalJsExecutor executor;

    @BeforeAll
    static void start() {
        executor = GraalJsExecutor.start();
    }

    @AfterAll
    static void stop() {
        executor.close();
    }

    @Override
    protected Executor executor() throws Exception {
        executor.warmedUp().get(60, TimeUnit.SECONDS);
        return executor;
    }

    @Override
    protected void awaitReleased() throws Exception {
        executor.usedContextsClosed().get(30, TimeUnit.SECONDS);
    }

    @Override
    protected Language language() {
        return Language.JAVASCRIPT;
    }

    static Stream<Arguments> programs() {
        return Stream.concat(HostileSuite.javascriptInProcess(), Stream.of(
                // Host escapes: every door to Java is gone.
                Arguments.of("Java.type", "Java.type('java.lang.Runtime').getRuntime().exec('id')", Expect.error()),
                Arguments.of("java global", "java.lang.System.getenv()", Expect.error()),
                Arguments.of("Polyglot.eval", "Polyglot.eval('python', '1')", Expect.error()),
                Arguments.of("Graal", "Graal.versionJS", Expect.error()),
                Arguments.of("quit", "quit()", Expect.error()),
                Arguments.of("require", "require('fs').readFileSync('/etc/passwd')", Expect.error()),
                Arguments.of("dynamic import", "await import('fs')", Expect.error()),
                Arguments.of("process", "process.env", Expect.error()),
                Arguments.of("fetch", "await fetch('http://127.0.0.1:9090/observe/metrics')", Expect.error()),
                Arguments.of("Worker", "new Worker('x.js')", Expect.error()),
                Arguments.of("constructor chain",
                             "console.log(typeof this.constructor.constructor('return this')().Java)",
                             Expect.prints("undefined\n")),
                Arguments.of("Function global",
                             "console.log(typeof new Function('return globalThis')().Packages)",
                             Expect.prints("undefined\n")),
                Arguments.of("eval", "eval('Polyglot')", Expect.error()),
                Arguments.of("global names",
                             "console.log(Reflect.ownKeys(globalThis).filter(k => /^(Java|Packages|Polyglot|Graal|"
                             + "load|print|quit|__)/.test(String(k))).length)", Expect.prints("0\n")),
                Arguments.of("every global is a known one",
                             "console.log(Reflect.ownKeys(globalThis).map(String).filter(k => !" + KNOWN_GLOBALS
                             + ".includes(k)).join())", Expect.prints("\n")),
                Arguments.of("stack trace host frames",
                             "try { null.x } catch (e) { console.log(/java|graalvm|conduit/i.test(e.stack)) }",
                             Expect.prints("false\n")),
                // The bridge and the SDK.
                Arguments.of("bridge not global",
                             "console.log(Object.getOwnPropertyNames(globalThis).some(n => /bridge|conduit/i.test(n)))",
                             Expect.prints("false\n")),
                Arguments.of("tools frozen", "tools.test = 1; tools.test.echo = 2; "
                                             + "console.log(typeof tools.test.echo)", Expect.prints("function\n")),
                Arguments.of("raw unknown tool",
                             "try { await tools.$raw('../../admin', {}) } catch (e) { console.log(e.name) }",
                             Expect.prints("ToolError\n")),
                // Outlived close(true) before guest frames were limited below the host stack: see GraalJsExecutor.
                Arguments.of("recursion in catch", "function f() { try { f() } catch (e) { f() } } f()",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.STACK_DEPTH)),
                Arguments.of("catastrophic regex",
                             "for (;;) { /^(a+)+$/.test('a'.repeat(28) + 'b'); }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.MEMORY))));
    }
}
