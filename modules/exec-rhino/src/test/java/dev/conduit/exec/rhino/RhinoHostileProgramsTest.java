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

    @Override
    protected String memoryBomb() {
        return "const a = []; for (;;) a.push(new Array(1e5).fill(0))";
    }

    @Override
    protected String fortyTwo() {
        return "6 * 7";
    }

    static Stream<Arguments> programs() {
        return Stream.of(
                // LiveConnect and Rhino's shell functions are not there.
                Arguments.of("java global", "java.lang.Runtime.getRuntime().exec('id')", Expect.error()),
                Arguments.of("Packages", "Packages.java.lang.System.exit(0)", Expect.error()),
                Arguments.of("JavaImporter", "new JavaImporter(java.io)", Expect.error()),
                Arguments.of("importPackage", "importPackage(java.io)", Expect.error()),
                Arguments.of("importClass", "importClass(java.io.File)", Expect.error()),
                Arguments.of("load", "load('/etc/passwd')", Expect.error()),
                Arguments.of("print", "print('x')", Expect.error()),
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
                Arguments.of("JSON monkeypatch",
                             "JSON.parse = () => ({value: 'forged'}); const r = await tools.test.echo({a: 1}); "
                             + "console.log(r.a)", Expect.prints("1\n")),
                Arguments.of("await function replaced",
                             "__conduit_await = (v) => 'forged'; console.log(await tools.test.echo({a: 2}).then(r => r.a))",
                             Expect.prints("2\n")),
                Arguments.of("non-object arguments",
                             "try { await tools.test.echo('x') } catch (e) { console.log(e.code) }",
                             Expect.prints("-32602\n")),
                Arguments.of("tool budget storm",
                             "await Promise.all(Array.from({length: 1000}, (_, i) => tools.test.echo({i}).catch(() => 0)))",
                             Expect.limit(Limit.TOOL_CALLS)),
                Arguments.of("never-settling await", "await new Promise(() => {})", Expect.error()),
                // Runaway CPU: the observer must see every loop.
                Arguments.of("while true", "while (true) {}", Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("loop that catches", "for (;;) { try { while (true) {} } catch (e) {} }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("loop in finally", "for (;;) { try { while (true) {} } finally { continue; } }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                // Interpreter frames live on the heap, so this one may end at the allocation budget first.
                Arguments.of("recursion in catch", "function f() { try { f() } catch (e) { f() } } f()",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.STACK_DEPTH, Limit.MEMORY)),
                Arguments.of("microtask loop", "const f = () => Promise.resolve().then(f); f(); 1",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.MEMORY)),
                Arguments.of("promise storm", "for (;;) { Promise.resolve().then(() => 0); }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.MEMORY)),
                Arguments.of("catastrophic regex", "/^(a+)+$/.test('a'.repeat(40) + 'b')",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.MEMORY)),
                Arguments.of("sort with a looping comparator", "[3, 1, 2].sort(() => { for (;;) {} })",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("getter in result", "({ get x() { for (;;) {} } })",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                // Memory and stack.
                Arguments.of("array bomb", "const a = []; for (;;) a.push(new Array(1e5).fill(0))",
                             Expect.limit(Limit.MEMORY)),
                Arguments.of("typed array bomb", "const a = []; for (;;) a.push(new Float64Array(1e6))",
                             Expect.limit(Limit.MEMORY)),
                Arguments.of("string bomb", "const a = []; for (let i = 0; ; i++) a.push('x'.repeat(1e6) + i)",
                             Expect.limit(Limit.MEMORY)),
                Arguments.of("object bomb", "const a = []; for (let i = 0; ; i++) a.push({i, s: String(i)})",
                             Expect.limit(Limit.MEMORY)),
                Arguments.of("recursion", "function f(n) { return f(n + 1) + 1 } f(0)",
                             Expect.limit(Limit.STACK_DEPTH)),
                // Floods.
                Arguments.of("stdout flood", "for (;;) console.log('x'.repeat(100))",
                             Expect.limit(Limit.OUTPUT, Limit.LOG_ENTRIES)),
                Arguments.of("stderr flood", "for (;;) console.error('y'.repeat(5000))", Expect.limit(Limit.OUTPUT)),
                Arguments.of("log flood", "for (let i = 0; ; i++) console.log(i)", Expect.limit(Limit.LOG_ENTRIES)),
                Arguments.of("huge result", "'x'.repeat(1e6)", Expect.limit(Limit.OUTPUT)),
                Arguments.of("circular result", "const o = {}; o.self = o; console.log('ok'); o",
                             Expect.prints("ok\n")));
    }
}
