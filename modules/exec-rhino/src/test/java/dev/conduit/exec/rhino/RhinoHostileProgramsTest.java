package dev.conduit.exec.rhino;

import java.util.stream.Stream;

import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.HostileSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Hostile programs against Rhino: LiveConnect and Rhino's own doors to Java, closure scopes, runaway loops (Rhino has
 * no asynchronous interrupt, so the instruction observer must catch every one, regular expressions included), bombs,
 * floods and budget abuse.
 */
class RhinoHostileProgramsTest extends HostileSuite {
    private static final RhinoExecutor EXECUTOR = new RhinoExecutor();

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
        return Language.JAVASCRIPT;
    }

    static Stream<Arguments> programs() {
        return Stream.concat(HostileSuite.javascriptInProcess(), Stream.of(
                // LiveConnect and Rhino's shell functions are not there.
                Arguments.of("java global", "java.lang.Runtime.getRuntime().exec('id')", Expect.error()),
                Arguments.of("JavaImporter", "new JavaImporter(java.io)", Expect.error()),
                Arguments.of("importPackage", "importPackage(java.io)", Expect.error()),
                Arguments.of("importClass", "importClass(java.io.File)", Expect.error()),
                Arguments.of("readFile", "readFile('/etc/passwd')", Expect.error()),
                Arguments.of("runCommand", "runCommand('id')", Expect.error()),
                Arguments.of("sync", "sync(function () {})", Expect.error()),
                Arguments.of("require", "require('fs')", Expect.error()),
                Arguments.of("Continuation", "new Continuation()", Expect.error()),
                Arguments.of("getClass of a host function",
                             "console.log(typeof tools.test.echo.getClass, typeof console.log.getClass)",
                             Expect.prints("undefined undefined\n")),
                Arguments.of("constructor chain",
                             "console.log(typeof this.constructor.constructor('return this')().java)",
                             Expect.prints("undefined\n")),
                Arguments.of("Function global", "console.log(typeof new Function('return Packages')())",
                             Expect.error()),
                Arguments.of("eval", "eval('java.lang.System')", Expect.error()),
                Arguments.of("global names",
                             "console.log(Object.getOwnPropertyNames(globalThis).filter(k => /^(java|Packages|"
                             + "JavaImporter|Continuation|Script|load|print|__(?!conduit_await$))/.test(k)).length)",
                             Expect.prints("0\n")),
                Arguments.of("stack trace host frames",
                             "try { null.x } catch (e) { console.log(/java|mozilla|conduit/i.test(e.stack)) }",
                             Expect.prints("false\n")),
                // Rhino casts an error's prototype to an error to read its stack: a failure of the program, not the server.
                Arguments.of("stack of an error given a plain prototype",
                             "var e = new Error('z'); e.__proto__ = Object.create(Error.prototype); e.stack",
                             Expect.error()),
                Arguments.of("a CallSite made by hand",
                             "Error.prepareStackTrace = (e, s) => String(new s[0].constructor()); new Error('x').stack",
                             Expect.error()),
                // Closures and the bridge.
                Arguments.of("__parent__ of a binding", "console.log(typeof tools.test.echo.__parent__)",
                             Expect.prints("undefined\n")),
                Arguments.of("__parent__ of console", "console.log(typeof console.log.__parent__)",
                             Expect.prints("undefined\n")),
                Arguments.of("bridge not global",
                             "console.log(Object.getOwnPropertyNames(globalThis).some(n => /bridge|drain|write/i"
                             + ".test(n)))", Expect.prints("false\n")),
                Arguments.of("tools frozen", "tools.test = 1; tools.test.echo = 2; console.log(typeof tools.test.echo)",
                             Expect.prints("function\n")),
                Arguments.of("await function replaced",
                             "__conduit_await = (v) => 'forged'; console.log(await tools.test.echo({a: 2}).then(r => r.a))",
                             Expect.prints("2\n")),
                Arguments.of("never-settling await", "await new Promise(() => {})", Expect.error()),
                Arguments.of("loop in finally", "for (;;) { try { while (true) {} } finally { continue; } }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                // Interpreter frames live on the heap, so this one may end at the allocation budget first.
                Arguments.of("recursion in catch", "function f() { try { f() } catch (e) { f() } } f()",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.STACK_DEPTH, Limit.MEMORY)),
                Arguments.of("catastrophic regex", "/^(a+)+$/.test('a'.repeat(40) + 'b')",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.MEMORY)),
                Arguments.of("sort with a looping comparator", "[3, 1, 2].sort(() => { for (;;) {} })",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME))));
    }
}
