package dev.conduit.exec.graal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.RecordingBridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** GraalPy: the same behaviour as the JavaScript engines, in Python, and the Python doors to the host closed. */
class GraalPyExecutorTest {
    private static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(5), Duration.ofSeconds(2),
                                                                      128L * 1024 * 1024, 64 * 1024, 500, 20,
                                                                      64 * 1024);
    private static final ExecutorService GUESTS = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("python-guest").daemon(true).stackSize(Executor.GUEST_STACK_BYTES).factory());
    private static GraalPyExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        executor = GraalPyExecutor.start();
    }

    @AfterAll
    static void stop() {
        executor.close();
        GUESTS.shutdownNow();
    }

    @Test
    void printAndLastExpression() throws Exception {
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) run("print('hello', 42)\n{'n': 1 + 1}");
        assertThat(completed.stdout(), is("hello 42\n"));
        assertThat(completed.resultJson().orElseThrow(), is("{\"n\":2}"));
    }

    /** What a program writes without a newline reaches its output, as CPython flushes its streams at exit. */
    @Test
    void outputWithoutANewlineIsNotLost() throws Exception {
        ExecutionOutcome completed = run("import sys\nprint('a', end='')\nsys.stdout.write('b')\nsys.stderr.write('c')");
        assertThat(completed.toString(), completed, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(completed.stdout(), is("ab"));
        assertThat(completed.stderr(), is("c"));
        ExecutionOutcome failed = run("print('d', end='')\nraise ValueError('v')");
        assertThat(failed.stdout(), is("d"));
        ExecutionOutcome exited = run("import sys\nprint('e', end='')\nsys.exit(0)");
        assertThat(exited.stdout(), is("e"));
    }

    @Test
    void anErrorInsideTheStandardLibraryShowsNoHostPath() throws Exception {
        ExecutionOutcome outcome = run("import json\njson.loads('{')");
        assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.GuestError, is(true));
        assertThat(outcome.stderr(), org.hamcrest.Matchers.containsString("JSONDecodeError"));
        // The program's own frame stays; frames of the standard library (files on the host) do not.
        assertThat(outcome.stderr(), org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("decoder.py")));
        assertThat(outcome.stderr(), org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("/")));
    }

    @Test
    void aRefusedThreadSaysWhyWithoutJavaClassNames() throws Exception {
        ExecutionOutcome outcome = run("import threading\nthreading.Thread(target=lambda: 0).start()");
        assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.GuestError, is(true));
        assertThat(outcome.stderr(), containsString("RuntimeError: can't start new thread"));
        assertThat(outcome.stderr(), containsString("<main>:2")); // the program's frame, where it tried
        assertThat(outcome.stderr(), not(containsString("Exception")));
    }

    /**
     * What the sandbox refuses, a program meets in the form CPython code expects, so that the standard library's own
     * handling works: GraalPy raised the host's SecurityException for os.getcwd(), which sysconfig and site call at
     * import (zoneinfo and multiprocessing import them), and answered pwd with the server's user and home.
     */
    static Stream<Arguments> refusedAsPythonExpects() {
        return Stream.of(
                Arguments.of("import os\nprint(os.getcwd(), os.getcwdb(), os.path.abspath('x'))", "/ b'/' /x\n"),
                Arguments.of("import sysconfig, site, zoneinfo, multiprocessing\nprint('imported')", "imported\n"),
                Arguments.of("import os\nprint(os.access('/etc/passwd', os.R_OK), os.path.exists('/etc/passwd'))",
                             "False False\n"),
                Arguments.of("import os\nprint(os.path.expanduser('~'))", "~\n"),
                Arguments.of("import pwd, getpass\ntry:\n    getpass.getuser()\nexcept KeyError:\n"
                             + "    print('no user')", "no user\n"),
                Arguments.of("import os\ntry:\n    os.chdir('/')\nexcept PermissionError as e:\n"
                             + "    print(e.errno, e.filename)", "1 /\n"),
                Arguments.of("import os, posix\ntry:\n    posix.system('id')\nexcept PermissionError as e:\n"
                             + "    print(e.errno, os.system is posix.system)", "1 True\n"),
                Arguments.of("import _thread\ntry:\n    _thread.start_new_thread(print, ())\n"
                             + "except RuntimeError:\n    print('one thread')", "one thread\n"),
                // Host facts: the server's process id and kernel release, and its CPU time and peak memory, which sum
                // every tenant's work (this JVM had run tens of seconds of CPU before any of these programs).
                Arguments.of("import os, platform\nprint(os.getpid(), os.getppid(), os.uname().release, "
                             + "os.uname().sysname, platform.release())", "1 0  Linux \n"),
                Arguments.of("import time, resource\nt = time.process_time()\nu = resource.getrusage(resource.RUSAGE_SELF)\n"
                             + "print(0 <= t < 2, 0 <= time.thread_time() < 2, 0 <= u.ru_utime < 2, u.ru_maxrss)",
                             "True True True 0\n"));
    }

    /** A failure's message that names a file of the standard library names it under {@code <graalpy>}, not the host. */
    @Test
    void aStandardLibraryPathInAMessageIsNotTheHosts() throws Exception {
        ExecutionOutcome outcome = run("import json\nraise ValueError('from ' + json.__file__)");
        assertThat(outcome.toString(), outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), startsWith("ValueError: from <graalpy>/lib/python3.12/json/__init__.py\n"));
    }

    /**
     * An exception that passed through a handler on its way out still shows where it came from. GraalPy's host stack
     * of such an exception dropped the program's frames (and, with assertions on, failed building it), so the SDK
     * tells the frames from the traceback.
     */
    @ParameterizedTest
    @ValueSource(strings = {"try:\n        g()\n    except Exception:\n        raise",
                            "try:\n        g()\n    finally:\n        pass",
                            "with contextlib.nullcontext():\n        g()",
                            "try:\n        g()\n    except Exception as e:\n        raise ValueError('other') from e"})
    void anExceptionThatPassedAHandlerShowsItsFrames(String passing) throws Exception {
        ExecutionOutcome outcome = run("import contextlib\ndef g():\n    raise RuntimeError('x')\ndef f():\n    "
                                       + passing + "\nf()");
        assertThat(outcome.toString(), outcome, instanceOf(ExecutionOutcome.GuestError.class));
        String innermost = passing.contains("from e") ? "    at <python> f(<main>:" : "    at <python> g(<main>:3)\n";
        assertThat(outcome.stderr(), allOf(containsString(innermost), containsString("f(<main>:"),
                                           containsString("<module>(<main>:")));
        assertThat(outcome.stderr(), not(containsString("conduit")));
    }

    @ParameterizedTest
    @MethodSource("refusedAsPythonExpects")
    void whatTheSandboxRefusesIsRefusedAsPythonExpects(String code, String stdout) throws Exception {
        ExecutionOutcome outcome = run(code);
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is(stdout));
    }

    @ParameterizedTest
    @ValueSource(strings = {"import sys\nsys.exit()", "import sys\nsys.exit(0)", "import sys\nsys.exit(False)",
                            "import os\nos._exit(0)", "exit()", "quit(0)"})
    void exitingWithStatusZeroCompletes(String exit) throws Exception {
        ExecutionOutcome outcome = run("print('before')\n" + exit + "\nprint('after')");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("before\n"));
        assertThat(outcome.stderr(), is(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"import sys\nsys.exit(3)", "import sys\nsys.exit('bye')", "import os\nos._exit(4)",
                            "import sys\nexit(5)"})
    void exitingWithAnyOtherStatusFails(String exit) throws Exception {
        ExecutionOutcome outcome = run(exit + "\nprint('after')");
        assertThat(outcome.toString(), outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), allOf(containsString("SystemExit: "), containsString("<main>:2")));
        assertThat(outcome.stdout(), is(""));
    }

    @Test
    void graalPysHomeDoesNotNameAHostPathAndImportsStillWork() throws Exception {
        ExecutionOutcome outcome = run("import __graalpython__\nimport json\nprint(__graalpython__.home, json.dumps([1]))");
        assertThat(outcome.toString(), outcome.stdout(), is("<graalpy> [1]\n"));
    }

    @Test
    void toolsDirectlyWithDictOrKeywords() throws Exception {
        RecordingBridge bridge = new RecordingBridge(10);
        ExecutionOutcome outcome = run("""
                a = tools.test.echo({'x': 1})
                b = tools.test.echo(y=2)
                c = tools.test.get_sum(a=3)
                d = tools.test['get-sum']({'a': 4})
                e = tools.raw('test__echo', z=5)
                print(a['x'], b['y'], c['a'], d['a'], e['z'])""", bridge);
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("1 2 3 4 5\n"));
        assertThat(bridge.seen().size(), is(5));
    }

    @Test
    void valuesCrossTheBridgeExactlyHoweverHostileTheText() throws Exception {
        // Arguments go out as JSON written by the SDK, answers come back as JSON read by _json's scanner: a round trip
        // through both, with text that would end a string early if either escaped it wrongly.
        RecordingBridge bridge = new RecordingBridge(10);
        ExecutionOutcome outcome = run("""
                hostile = ['"', "'", '\"\"\"', "'''", '\\\\', '\\\\"', '\\n', '\\r\\t', '\\x00\\x1f\\x7f', '\\b\\f',
                           '\\u2028', '\\U0001F600', '${x}', '*/', '}', 'None', 1e300, -0.5, 2 ** 62, True, None, [], {}]
                back = tools.test.echo({'values': hostile, 'nested': {'k"': {'\\n': hostile}}})
                print(back['values'] == hostile, back['nested']['k"']['\\n'] == hostile)
                back['values'][11]""", bridge);
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("True True\n"));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("\"\uD83D\uDE00\""));
    }

    /**
     * zoneinfo knows the world's time zones, from the JDK's database: in the sandbox no tz database was readable and
     * no tzdata installed, so every ZoneInfo("Europe/Paris") failed.
     */
    @Test
    void zoneinfoKnowsTheWorldsTimeZones() throws Exception {
        ExecutionOutcome outcome = run("""
                from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
                from datetime import datetime, timezone
                paris = ZoneInfo('Europe/Paris')
                summer = datetime(2026, 7, 1, 12, tzinfo=timezone.utc).astimezone(paris)
                winter = datetime(2026, 1, 1, 12, tzinfo=timezone.utc).astimezone(paris)
                print(summer.isoformat(), summer.tzname(), winter.isoformat(), winter.tzname())
                new_york = ZoneInfo('America/New_York')
                # 1:30 happens twice as the clocks go back; DST began on 8 March 2026
                print(datetime(2026, 11, 1, 1, 30, tzinfo=new_york).utcoffset(),
                      datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=new_york).utcoffset(),
                      datetime(2026, 3, 8, 12, tzinfo=new_york).tzname())
                print(datetime(2026, 7, 1, tzinfo=ZoneInfo('Asia/Kolkata')).utcoffset(), ZoneInfo('Europe/Paris') is paris,
                      datetime(2026, 1, 1, tzinfo=ZoneInfo('Australia/Lord_Howe')).tzname())
                import zoneinfo
                print('Europe/Paris' in zoneinfo.available_timezones(), len(zoneinfo.available_timezones()) > 400)
                try:
                    ZoneInfo('Mars/Olympus')
                except ZoneInfoNotFoundError as e:
                    print('not found:', e.args[0])""", IMPORTING, new RecordingBridge(1));
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("""
                2026-07-01T14:00:00+02:00 CEST 2026-01-01T13:00:00+01:00 CET
                -1 day, 20:00:00 -1 day, 19:00:00 EDT
                5:30:00 True +11
                True True
                not found: No time zone found with key Mars/Olympus
                """));
    }

    @Test
    void awaitStyleOfTheOriginalWorks() throws Exception {
        ExecutionOutcome outcome = run("r = await tools.test.echo({'x': 7})\nprint(r['x'])\nr['x'] * 6",
                                       new RecordingBridge(10));
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("7\n"));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("42"));
    }

    /**
     * asyncio works as in the original, whose calls were coroutines: gather of calls and coroutines, tasks, timeouts,
     * sleeps and asyncio.run, on an event loop without sockets (asyncio's own needs a socket pair, which the sandbox
     * does not have). Calls still run one after another.
     */
    @Test
    void asyncioGathersCallsAndRunsTasks() throws Exception {
        ExecutionOutcome outcome = run("""
                import asyncio
                async def twice(x):
                    await asyncio.sleep(0.01)
                    r = await tools.test.echo({'x': x})
                    return r['x'] * 2
                async def main():
                    task = asyncio.create_task(twice(5))
                    a, b = await asyncio.gather(tools.test.echo({'x': 1}), tools.test.echo(x=2))
                    return a['x'], b['x'], await task, await asyncio.wait_for(twice(3), 5)
                print(asyncio.run(main()))
                both = await asyncio.gather(twice(1), tools.test.echo({'x': 9}))
                print(both, type(both[1]) is dict, isinstance(both[1], dict))
                r = tools.test.echo({'y': 1})
                print(r['y'], await r)""", IMPORTING, new RecordingBridge(20));
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("(1, 2, 10, 6)\n[2, {'x': 9}] False True\n1 {'y': 1}\n"));
    }

    /**
     * The calls of asyncio.gather are in flight together, as the original's Pyodide calls were: awaited in the
     * coroutines gather runs, or handed to it straight; each of four waits at a rendezvous for the other three, which
     * calls made one after another never reach (the first would wait its whole wall limit).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            """
            import asyncio
            async def echo(n):
                answer = await tools.test.echo({'n': n})
                return answer['n']
            ns = await asyncio.gather(*(echo(n) for n in [1, 2, 3, 4]))
            ",".join(str(n) for n in ns)""",
            """
            import asyncio
            answers = await asyncio.gather(*[tools.test.echo({'n': n}) for n in [1, 2, 3, 4]])
            ",".join(str(answer['n']) for answer in answers)""",
            """
            from asyncio import gather, run
            async def main():
                return await gather(tools.test.echo(n=1), tools.test.echo({'n': 2}), tools.raw('test.echo', {'n': 3}),
                                    tools.test.echo({'n': 4}))
            ",".join(str(answer['n']) for answer in run(main()))"""})
    void theCallsOfGatherAreInFlightTogether(String code) throws Exception {
        RecordingBridge bridge = RecordingBridge.meeting(4, LIMITS.toolCalls());
        ExecutionOutcome outcome = run(code, IMPORTING, bridge);
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("\"1,2,3,4\""));
        assertThat(bridge.seen().size(), is(4));
    }

    /**
     * A call handed to asyncio.wait_for can time out, as the original's coroutine calls could: it is begun as a task
     * of the loop instead of answering before wait_for runs (which held the program until the call answered). A
     * function of the program's own that shares a name with asyncio's gets the call's value as before.
     */
    @Test
    void aCallGivenToWaitForTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingBridge bridge = new RecordingBridge(LIMITS.toolCalls(), () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            ExecutionOutcome outcome = run("""
                    import asyncio
                    def wait(value):
                        return value
                    try:
                        await asyncio.wait_for(tools.test.echo({'n': 1}), 0.2)
                        said = 'answered'
                    except asyncio.TimeoutError:
                        said = 'timed out'
                    said""", IMPORTING, bridge);
            assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
            assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("\"timed out\""));
        } finally {
            release.countDown();
        }
        ExecutionOutcome own = run("def wait(value):\n    return value['n']\nwait(tools.test.echo({'n': 5}))");
        assertThat(own.stderr(), ((ExecutionOutcome.Completed) own).resultJson().orElseThrow(), is("5"));
    }

    /**
     * Sleeping costs no CPU: GraalPy's own time.sleep spins for most of a second when asked for 0 s, and asyncio's loop
     * asked for it between any two steps (two asyncio.run of a coroutine that slept 0 s used up 10 s of CPU). Twenty
     * sleeps of 0 s and fifty asyncio steps fit in CPU limits they used to pass many times over; what GraalPy's sleep
     * refuses is still refused, and a real sleep still sleeps.
     */
    @Test
    void sleepingZeroSecondsCostsNoCpu() throws Exception {
        ExecutionOutcome sleeps = run("""
                import time
                for i in range(20):
                    time.sleep(0)
                from time import sleep
                sleep(0.0)
                errors = []
                for wrong in (-1, 'x', float('nan')):
                    try:
                        time.sleep(wrong)
                    except (ValueError, TypeError) as e:
                        errors.append(type(e).__name__)
                start = time.monotonic()
                time.sleep(0.05)
                [errors, time.monotonic() - start >= 0.05]""");
        assertThat(sleeps.stderr(), sleeps, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) sleeps).resultJson().orElseThrow(),
                   is("[[\"ValueError\",\"TypeError\",\"ValueError\"],true]"));
        ExecutionOutcome steps = run("""
                import asyncio
                async def steps():
                    for i in range(50):
                        await asyncio.sleep(0)
                    return 'stepped'
                asyncio.run(steps())""", IMPORTING, new RecordingBridge(1));
        assertThat(steps.stderr(), steps, instanceOf(ExecutionOutcome.Completed.class));
    }

    /**
     * Time for a cold import of asyncio, seconds of CPU in the interpreter before the JIT has warmed to it, and room for
     * what the import allocates: under 128 MB, a program importing asyncio after the class's memory tests was once
     * stopped for holding more (the measurer may count the import's garbage while the heap holds others' too), which
     * is not what these tests are about.
     */
    private static final ExecutionLimits IMPORTING = new ExecutionLimits(
            Duration.ofSeconds(60), Duration.ofSeconds(30), 512L * 1024 * 1024, LIMITS.outputBytes(),
            LIMITS.logEntries(), LIMITS.toolCalls(), LIMITS.codeBytes());

    /** A program asleep in asyncio is stopped at its wall time like any other. */
    @Test
    void asyncioSleepingPastTheWallTimeIsStopped() throws Exception {
        ExecutionLimits brief = new ExecutionLimits(Duration.ofSeconds(2), LIMITS.cpuTime(), LIMITS.memoryBytes(),
                                                    LIMITS.outputBytes(), LIMITS.logEntries(), LIMITS.toolCalls(),
                                                    LIMITS.codeBytes());
        ExecutionOutcome outcome = run("import asyncio\nawait asyncio.sleep(60)", brief, new RecordingBridge(1));
        assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                       && exceeded.limit() == Limit.WALL_TIME, is(true));
    }

    @Test
    void toolErrorsAreCatchable() throws Exception {
        ExecutionOutcome outcome = run("""
                try:
                    tools.test.fail({})
                except ToolError as e:
                    print(type(e).__name__, e.tool, e.code, e.message)""");
        assertThat(outcome.stdout(), is("ToolError test__fail -32602 it failed\n"));
    }

    @Test
    void helpfulMissOnUnknownNamespace() throws Exception {
        ExecutionOutcome outcome = run("tools.nope.x()");
        assertThat(outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), containsString("Available namespaces: test"));
    }

    @Test
    void exceptionIsAGuestErrorWithoutHostFrames() throws Exception {
        ExecutionOutcome outcome = run("print('before')\n1 / 0");
        assertThat(outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stdout(), is("before\n"));
        assertThat(outcome.stderr(), containsString("ZeroDivisionError"));
        assertThat(outcome.stderr(), not(containsString("dev.conduit")));
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("open", "open('/etc/passwd').read()", Set.<Limit>of()),
                Arguments.of("os.listdir", "import os\nos.listdir('/')", Set.<Limit>of()),
                Arguments.of("os.system", "import os\nos.system('id')", Set.<Limit>of()),
                Arguments.of("subprocess", "import subprocess\nsubprocess.run(['id'])", Set.<Limit>of()),
                Arguments.of("socket", "import socket\nsocket.create_connection(('127.0.0.1', 9090))", Set.<Limit>of()),
                Arguments.of("ctypes", "import ctypes\nctypes.CDLL(None)", Set.<Limit>of()),
                Arguments.of("threads", "import threading\nthreading.Thread(target=print).start()", Set.<Limit>of()),
                Arguments.of("java", "import java\njava.type('java.lang.Runtime')", Set.<Limit>of()),
                Arguments.of("polyglot", "import polyglot\npolyglot.eval(language='js', string='1')", Set.<Limit>of()),
                Arguments.of("__import__ os", "__import__('os').environ['HOME']", Set.<Limit>of()),
                Arguments.of("importlib", "import importlib\nimportlib.import_module('posix').listdir('/')", Set.<Limit>of()),
                Arguments.of("loop", "while True:\n    pass", Set.of(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("loop catching", "while True:\n    try:\n        while True: pass\n    except BaseException:"
                                              + "\n        pass", Set.of(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("list bomb", "a = []\nwhile True:\n    a.append([0] * 100000)", Set.of(Limit.MEMORY)),
                Arguments.of("string bomb", "a = []\ni = 0\nwhile True:\n    a.append('x' * 1000000 + str(i))\n"
                                            + "    i += 1", Set.of(Limit.MEMORY)),
                Arguments.of("recursion", "def f(n):\n    return f(n + 1) + 1\nf(0)", Set.of(Limit.STACK_DEPTH)),
                Arguments.of("recursion catching", "def f():\n    try:\n        f()\n    except BaseException:\n"
                                                   + "        f()\nf()",
                             Set.of(Limit.STACK_DEPTH, Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("output flood", "while True:\n    print('x' * 100)", Set.of(Limit.OUTPUT, Limit.LOG_ENTRIES)),
                Arguments.of("tool budget", "while True:\n    try:\n        tools.test.echo({})\n    except ToolError:\n"
                                            + "        pass", Set.of(Limit.TOOL_CALLS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileProgramEndsInItsExpectedOutcome(String name, String code, Set<Limit> limits) throws Exception {
        // A bomb gets time to spare, so that only its memory can stop it (interpreted, it is slow to fill its cap).
        ExecutionLimits given = limits.equals(Set.of(Limit.MEMORY))
                ? new ExecutionLimits(Duration.ofSeconds(30), Duration.ofSeconds(20), LIMITS.memoryBytes(),
                                      LIMITS.outputBytes(), LIMITS.logEntries(), LIMITS.toolCalls(), LIMITS.codeBytes())
                : LIMITS;
        ExecutionOutcome outcome = run(code, given, new RecordingBridge(LIMITS.toolCalls()));
        if (limits.isEmpty()) {
            assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.GuestError, is(true));
        } else {
            assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                           && limits.contains(exceeded.limit()), is(true));
        }
    }

    /**
     * What a program held is garbage once it ends, however it ends: GraalPy's engine keeps a file of the last context
     * that imported a module, and with it that context's main module, so a program's globals must not be the module's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"len(keep)", "while True:\n    keep.append(1.5)"})
    void whatAProgramHeldDoesNotOutliveIt(String end) throws Exception {
        run("6 * 7");
        long before = heapAfterCollection();
        ExecutionLimits timed = new ExecutionLimits(Duration.ofSeconds(3), Duration.ofSeconds(3), LIMITS.memoryBytes(),
                                                    LIMITS.outputBytes(), LIMITS.logEntries(), LIMITS.toolCalls(),
                                                    LIMITS.codeBytes());
        run("import json, textwrap, string, fractions, decimal\nkeep = [[0.5] * 131072 for _ in range(80)]\n" + end,
            timed, new RecordingBridge(LIMITS.toolCalls()));
        run("6 * 7"); // another program, which imports none of those modules
        long after = heapAfterCollection();
        assertThat("80 MB of lists left " + (after - before) / (1024 * 1024) + " MB behind", after - before,
                   lessThan(40L * 1024 * 1024));
    }

    /**
     * A program's functions go with it. GraalPy's engine keeps a root node for every function any of its contexts
     * defined, for ever, and a program's text (and every standard module it imports) is compiled afresh in its
     * context: a server running Python programs grew by each one's functions (29 MB for {@code import asyncio})
     * until its heap ran out. They are pruned once a few hundred have gathered; the SDK's, compiled once for all
     * contexts, stay.
     */
    @Test
    void theFunctionsOfAProgramDoNotOutliveIt() throws Exception {
        StringBuilder program = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            program.append("def f").append(i).append("(x):\n    return [x * k for k in range(").append(i)
                    .append(")]\n");
        }
        program.append("class C:\n    def m(self):\n        yield from f3(2)\n");
        program.append("async def g():\n    return 1\n");
        program.append("sum(C().m()) + len(f199(1))");
        run(program.toString()); // the built-ins it uses get root nodes of their own once: those stay
        executor.usedContextsClosed().get(30, TimeUnit.SECONDS);
        int before = executor.cachedRootNodes();
        for (int i = 0; i < 10; i++) {
            ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) run(program.toString());
            assertThat(completed.resultJson().orElseThrow(), is("205"));
        }
        executor.usedContextsClosed().get(30, TimeUnit.SECONDS);
        int after = executor.cachedRootNodes();
        // Unpruned, ten such programs add some 2,000; pruned, at most what gathers before a pruning and one program.
        assertThat("root nodes cached before ten programs of 204 functions each: " + before, after,
                   lessThan(before + PythonRootNodes.SLACK + 250));
        ExecutionOutcome.Completed sdk = (ExecutionOutcome.Completed) run("tools.test.echo({'x': 7})['x'] * 6");
        assertThat("the SDK after the cache is pruned", sdk.resultJson().orElseThrow(), is("42"));
    }

    /** The heap's use after the used contexts are closed, the pool refilled and a full collection made. */
    private static long heapAfterCollection() throws Exception {
        executor.usedContextsClosed().get(30, TimeUnit.SECONDS);
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void engineAnswersAfterViolations() throws Exception {
        run("while True:\n    pass");
        assertThat(((ExecutionOutcome.Completed) run("6 * 7")).resultJson().orElseThrow(), is("42"));
    }

    /** Each shape of one large allocation is refused in the program with a MemoryError it can catch (limit 128 MB). */
    @ParameterizedTest
    @MethodSource("largeAllocations")
    void oneAllocationLargerThanTheLimitLeavesFailsInTheProgram(String allocation, int megabytes) throws Exception {
        ExecutionOutcome outcome = run(ALIASES + """
                n = 1536 * 1024 * 1024
                try:
                    kept = %s
                    result = "allocated"
                except MemoryError as e:
                    result = str(e)
                result""".formatted(allocation));
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) outcome;
        assertThat(completed.resultJson().orElseThrow(),
                   containsString("Cannot allocate " + megabytes + " MB: the program's memory limit leaves"));
    }

    static Stream<Arguments> largeAllocations() {
        return Stream.of(Arguments.of("bytearray(n)", 1536), Arguments.of("bytes(n)", 1536),
                         Arguments.of("b'xy' * n", 3072), Arguments.of("n * 'x'", 1536),
                         Arguments.of("[0] * (n // 4)", 1536), Arguments.of("(None,) * (n // 4)", 1536),
                         Arguments.of("'x'.ljust(n)", 1536), Arguments.of("bytearray(b'x' * n)", 1536),
                         Arguments.of("buffer(n)", 1536), Arguments.of("raw(n)", 1536),
                         Arguments.of("builtins.bytearray(n)", 1536), Arguments.of("again(n)", 1536),
                         Arguments.of("list(range(n // 4))", 1536), Arguments.of("tuple(range(n // 4))", 1536),
                         Arguments.of("text * n", 3072), Arguments.of("n * text", 3072),
                         Arguments.of("row * (n // 8)", 1536), Arguments.of("f'{text * n}'", 3072),
                         Arguments.of("grow(text, n)", 3072), Arguments.of("grow(row, n // 8)", 1536),
                         Arguments.of("(1).to_bytes(n, 'big')", 1536), Arguments.of("random.randbytes(n)", 1536),
                         // Repetitions of other sequences, checked as they run.
                         Arguments.of("array.array('b', [0]) * n", 1536),
                         Arguments.of("array.array('d', [0.0]) * (n // 8)", 1536),
                         Arguments.of("collections.deque([0]) * (n // 4)", 1536),
                         // Widths and precisions written into formats, checked before the string is built (GraalPy
                         // builds such padding for seconds in one uninterruptible call).
                         Arguments.of("f'{1:>1610612736}'", 1536), Arguments.of("'{:>1610612736}'.format(1)", 1536),
                         Arguments.of("'{0:.1610612736f}'.format(1.0)", 1536),
                         Arguments.of("format(1, '0>1610612736')", 1536), Arguments.of("'%1610612736d' % 1", 1536),
                         Arguments.of("'%(a).1610612736f' % {'a': 1.0}", 1536));
    }

    /** Formats whose widths fit are formatted as written; a wrapped one keeps its line. */
    @Test
    void formatsThatFitAreLeftAsWritten() throws Exception {
        ExecutionOutcome outcome = run("""
                n = 3
                x = [f'{1:>5}', '{:>3}'.format(2), '%4d' % 3, format(4, '>2'), f'{7:.2f}', f'{n:>{n}}', '%%%d' % 5]
                y = f'{1:>1610612736}' if n > 3 else f'{n:>2000000}'
                [x, len(y)]""");
        assertThat(outcome.toString(), ((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(),
                   is("[[\"    1\",\"  2\",\"   3\",\" 4\",\"7.00\",\"  3\",\"%5\"],2000000]"));
        ExecutionOutcome failed = run("n = 1\ny = f'{n:>1610612736}'\nz = 1 / 0");
        assertThat(failed.stderr(), allOf(containsString("MemoryError"), containsString("<module>(<main>:2)")));
    }

    /**
     * Aliases of bytes and bytearray, and sequences repeated through variables (at the program's top, so that every case
     * above can use them).
     */
    private static final String ALIASES = """
            import array
            import builtins
            import collections
            import random
            from builtins import bytes as raw
            buffer = bytearray
            again = buffer
            text = "xy"
            row = [None, None]
            def grow(kept, times):
                kept *= times
                return kept
            """;

    /**
     * A name bound more than once is not taken for an alias (a call through it after a rebinding is left alone), nor is
     * an alias of range, which allocates nothing.
     */
    @Test
    void aReboundAliasIsLeftAlone() throws Exception {
        ExecutionOutcome outcome = run("""
                b = bytearray
                b = lambda n: n // 1024
                r = range
                [b(1536 * 1024 * 1024), len(r(1536 * 1024 * 1024))]""");
        assertThat(outcome.toString(), ((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(),
                   is("[1572864,1610612736]"));
    }

    /** The size checks leave what fits alone, whatever it is. */
    @Test
    void whatFitsIsAllocatedAndLinesStayThePrograms() throws Exception {
        ExecutionOutcome fits = run("""
                a = [0] * 3 + [1, 2] * 2
                b = bytearray(b"ab" * 2) + bytes(2) + bytes([65])
                c = "-".center(5) + "7".zfill(3) + 2 * "xy"
                d = bytearray(range(3))
                e = list(range(4)) + list(tuple(range(2)))
                f = list((258).to_bytes(2, "big")) + list(int.to_bytes(1536 * 1024 * 1024, 4, "little"))
                [a, list(b), c, list(d), e, f]""");
        assertThat(fits.toString(), ((ExecutionOutcome.Completed) fits).resultJson().orElseThrow(),
                   is("[[0,0,0,1,2,1,2],[97,98,97,98,0,0,65],\"  -  007xyxy\",[0,1,2],[0,1,2,3,0,1],[1,2,0,0,0,96]]"));
    }

    /**
     * Products the program's text cannot tell apart from repetitions are checked as they run, and stay what they were:
     * numbers, repetitions, a class's own multiplication either way round, in-place repetition of the same list,
     * f-strings, and the error and line of a product that fails.
     */
    @Test
    void checkedProductsStayWhatTheyWere() throws Exception {
        ExecutionOutcome products = run("""
                class Scale:
                    def __init__(self, k):
                        self.k = k
                    def __mul__(self, other):
                        return "scaled %s" % (self.k * other)
                    def __rmul__(self, other):
                        return "rscaled %s" % (other * self.k)
                def product(a, b):
                    return a * b
                same = items = [1]
                items *= 3
                box = {"n": 2}
                box["n"] *= 1.5
                count = 0
                for i in range(4):
                    count += i * i
                [product(6, 7), product(2.5, 2), product("ab", 2), product(2, (1,)), product(True, "x"),
                 product(Scale(3), 2), product(2, Scale(5)), same is items, items, box, count,
                 f"{product('-', 3)}|{'=' * count}", product([0], 0), product(10 ** 20, 10 ** 20)]""");
        assertThat(products.toString(), ((ExecutionOutcome.Completed) products).resultJson().orElseThrow(),
                   is("[42,5.0,\"abab\",[1,1],\"x\",\"scaled 6\",\"rscaled 10\",true,[1,1,1],{\"n\":3.0},14,"
                      + "\"---|==============\",[],10000000000000000000000000000000000000000]"));
        ExecutionOutcome failed = run("""
                def product(a, b):
                    return a * b

                product("a", "b")""");
        assertThat(failed.toString(), failed, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(((ExecutionOutcome.GuestError) failed).message(),
                   is("TypeError: can't multiply sequence by non-int of type 'str'"));
        assertThat(failed.stderr(), allOf(containsString("product(<main>:2)"), not(containsString("conduit"))));
    }

    /**
     * A long program with a product on every line (a chain of names, each of which stops counting as a number one
     * pass after the other; a comment that is not ASCII on each line) is checked whole and answers as written, with
     * its lines where they were.
     */
    @Test
    void aLongChainOfProductsRunsAsWritten() throws Exception {
        StringBuilder code = new StringBuilder("x400 = 'ab'\n");
        for (int i = 399; i >= 0; i--) {
            code.append("x").append(i).append(" = x").append(i + 1).append(" * 1  # \u00e9\n");
        }
        code.append("[x0, x399, len(x1)]\n");
        ExecutionOutcome outcome = run(code.toString());
        assertThat(outcome.toString(), ((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(),
                   is("[\"ab\",\"ab\",2]"));
        ExecutionOutcome failed = run(code.toString().replace("x400 = 'ab'", "x400 = None"));
        assertThat(failed.stderr(), containsString("<module>(<main>:2)"));
    }

    private static ExecutionOutcome run(String code) throws Exception {
        return run(code, new RecordingBridge(LIMITS.toolCalls()));
    }

    private static ExecutionOutcome run(String code, RecordingBridge bridge) throws Exception {
        return run(code, LIMITS, bridge);
    }

    private static ExecutionOutcome run(String code, ExecutionLimits limits, RecordingBridge bridge) throws Exception {
        executor.warmedUp().get(90, TimeUnit.SECONDS);
        assertThat(executor.availability().detail(), executor.availability().available(), is(true));
        return GUESTS.submit(() -> executor.execute(new ExecutionRequest(code, Language.PYTHON, limits, bridge,
                                                                         "python"))).get(60, TimeUnit.SECONDS);
    }
}
