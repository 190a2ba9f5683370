package dev.conduit.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * The memory limit in every engine of the real distribution: a program that keeps more than its cap is stopped
 * (-32009), whether it holds arrays or filled typed arrays; and concurrent bombs leave the server serving others with
 * its memory bounded.
 */
class MemoryLimitsIT {
    /** Keeps 1 MB more on every turn: 400 MB in all. */
    private static final String HOLDER_JS = """
            var keep = [];
            for (var i = 0; i < 400; i++) keep.push(new Array(131072).fill(i + 0.5));
            return keep.length;""";
    private static final String HOLDER_PY = """
            keep = []
            for i in range(400):
                keep.append([i + 0.5] * 131072)
            len(keep)""";
    /** The churn: 200 batches of 10,000 records serialised one at a time; a few MB held at any moment. */
    private static final String CHURN_JS = """
            var total = 0;
            for (var i = 0; i < 200; i++) {
              var rows = [];
              for (var j = 0; j < 10000; j++) rows.push({id: j, name: "row-" + j, v: Math.random()});
              total += JSON.stringify(rows).length;
            }
            return total;""";
    private static final String CHURN_PY = """
            import json, random
            total = 0
            for i in range(40):
                rows = [{"id": j, "name": "row-" + str(j), "v": random.random()} for j in range(10000)]
                total += len(json.dumps(rows))
            total""";
    /** Keeps nine 4 MB typed arrays (36 MB, each taking two of the heap's 4 MB regions) and churns through records. */
    private static final String KEEPING_HALF_JS = """
            var keep = [];
            for (var i = 0; i < 9; i++) { var b = new Uint8Array(4 * 1024 * 1024); b.fill(i); keep.push(b); }
            var total = 0;
            for (var j = 0; j < 100; j++) {
              var rows = [];
              for (var k = 0; k < 10000; k++) rows.push({id: k, name: "row-" + k});
              total += JSON.stringify(rows).length;
            }
            return total + keep.length;""";
    /** 1.5 GB of typed arrays, each written so that it is really held. */
    private static final String BUFFERS_JS = """
            var keep = [];
            for (var i = 0; i < 96; i++) { var b = new Uint8Array(16 * 1024 * 1024); b.fill(1); keep.push(b); }
            return keep.length;""";

    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, RunningConduit.config(true));
        for (String engine : new String[] {"graaljs", "graalpy", "deno"}) {
            assertThat(conduit.log(), conduit.awaitLog(engine + " ready", Duration.ofSeconds(180)), is(true));
        }
    }

    @AfterAll
    static void stop() {
        if (conduit != null) {
            conduit.close();
        }
    }

    private static JsonNode run(String language, String engine, String code, int memoryMb) throws Exception {
        return run(new McpHttpClient(conduit, RunningConduit.API_KEY), language, engine, code, memoryMb);
    }

    private static JsonNode run(McpHttpClient client, String language, String engine, String code, int memoryMb)
            throws Exception {
        ObjectNode extra = Json.object();
        if (engine != null) {
            extra.put("engine", engine);
        }
        extra.putObject("limits").put("memoryLimitMb", memoryMb).put("timeoutMs", 60000).put("cpuTimeMs", 60000);
        return client.execute(language, code, extra);
    }

    /** Runs the JavaScript or, on graalpy, the Python version of a program under {@code memoryMb}. */
    private static JsonNode runOn(String engine, String javascript, String python, int memoryMb) throws Exception {
        return engine.equals("graalpy") ? run("python", null, python, memoryMb)
                : run("javascript", engine, javascript, memoryMb);
    }

    /**
     * A sieve of primes below 2,000,000 keeps an array of 2,000,000 flags: 8-16 MB in every JavaScript engine, Rhino
     * too, where an interpreted Rhino kept an array made with that length as a property per element (some 270 MB) and
     * the program was stopped (-32009) under the default 256 MB.
     */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "deno"})
    void aSieveOfTwoMillionFlagsCompletesUnder64Mb(String engine) throws Exception {
        JsonNode answer = run("javascript", engine, "var n = 2000000, a = new Array(n).fill(true), c = 0; "
                                                    + "for (var i = 2; i < n; i++) { if (a[i]) { c++; "
                                                    + "for (var j = i * 2; j < n; j += i) a[j] = false; } } return c;",
                              64);
        assertThat(answer + "\n" + conduit.log(), answer.at("/result/structuredContent/result").asInt(), is(148933));
    }

    /** The limit is on what a program holds: churning through gigabytes while holding a few MB completes. */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "deno", "graalpy"})
    void churningThroughGigabytesUnder64MbCompletes(String engine) throws Exception {
        JsonNode answer = runOn(engine, CHURN_JS, CHURN_PY, 64);
        assertThat(answer + "\n" + conduit.log(), answer.at("/result/structuredContent/result").asLong(),
                   greaterThan(1_000_000L));
    }

    /**
     * Buffers counted while they live do not make garbage count: 800 MB of 4 MB typed arrays, one kept at a time,
     * completes under 64 MB (a program whose dropped buffers would fill its cap waits for a collection to tell).
     */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "deno"})
    void churningThroughTypedArraysUnder64MbCompletes(String engine) throws Exception {
        JsonNode answer = run("javascript", engine, """
                var total = 0;
                for (var i = 0; i < 200; i++) { var b = new Uint8Array(4 * 1024 * 1024); b[i] = i; total += b[i]; }
                return total;""", 64);
        assertThat(answer.toString(), answer.at("/result/structuredContent/result").asLong(), is(19900L));
    }

    /**
     * What a program holds is its buffers' size, not the heap they take: nine 4 MB typed arrays (36 MB) kept under
     * 64 MB while the program churns through records completes, although each takes two of the heap's 4 MB regions
     * (72 MB in the heap's figure), and Rhino makes a typed array's buffer through the global ArrayBuffer (counted
     * twice, 72 MB). Both were stopped with -32009.
     */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "deno"})
    void keepingHalfTheCapInTypedArraysWhileChurningCompletes(String engine) throws Exception {
        JsonNode answer = run("javascript", engine, KEEPING_HALF_JS, 64);
        assertThat(answer.toString(), answer.at("/result/structuredContent/result").asLong(), greaterThan(1_000_000L));
    }

    /**
     * Three clients at once: one sends Python programs that build 400 MB, two send programs that keep half the cap
     * (on Rhino and GraalJS). Every holder is stopped and every keeper completes. The rule pinned as much on a keeper
     * as on the holder beside it, and stopped whichever it met first although a walk had just found the keeper's
     * 36 MB: a keeper was stopped in 8 of 11 such runs (1 to 4 of 8 each). Then, before either was walked, the rule
     * pinned 104 MB on a keeper and on the holder alike, and stopped the keeper, met first (1 run in 10, and in CI).
     */
    @Test
    void programsKeepingHalfTheCapBesideHoldersCompleteWhileTheHoldersAreStopped() throws Exception {
        CompletableFuture<List<JsonNode>> holders = async(() -> runs(12, "python", null, HOLDER_PY));
        CompletableFuture<List<JsonNode>> rhino = async(() -> runs(6, "javascript", "rhino", KEEPING_HALF_JS));
        CompletableFuture<List<JsonNode>> graaljs = async(() -> runs(6, "javascript", "graaljs", KEEPING_HALF_JS));
        for (JsonNode holder : holders.get(170, TimeUnit.SECONDS)) {
            assertThat(holder.toString(), holder.at("/error/code").asInt(), is(-32009));
        }
        for (CompletableFuture<List<JsonNode>> keepers : List.of(rhino, graaljs)) {
            for (JsonNode keeper : keepers.get(170, TimeUnit.SECONDS)) {
                assertThat(keeper + "\n" + conduit.log(), keeper.at("/result/structuredContent/result").asLong(),
                           greaterThan(1_000_000L));
            }
        }
    }

    /** Runs a program {@code times} times, one after another, under 64 MB. */
    private static List<JsonNode> runs(int times, String language, String engine, String code) throws Exception {
        List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(run(language, engine, code, 64));
        }
        return answers;
    }

    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "deno", "graalpy"})
    void aProgramHolding400MbUnder64MbIsStopped(String engine) throws Exception {
        // Several times: whether it was stopped once depended on whether it ended (in half a second, in GraalPy)
        // before the full collection that measured it came; one run in five completed with its result.
        for (int run = 0; run < 4; run++) {
            JsonNode answer = runOn(engine, HOLDER_JS, HOLDER_PY, 64);
            assertThat("run " + run + ": " + answer, answer.at("/error/code").asInt(), is(-32009));
        }
    }

    /** One allocation larger than the cap fails in the program, which can catch it and go on. */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "deno"})
    void oneBufferOf1_5GbUnder64MbFailsInTheProgram(String engine) throws Exception {
        JsonNode answer = run("javascript", engine, """
                try { new ArrayBuffer(1536 * 1024 * 1024); return "allocated"; }
                catch (e) { return e.name + ": " + e.message; }""", 64);
        assertThat(answer.toString(), answer.at("/result/structuredContent/result").asString(),
                   startsWith("RangeError: Cannot allocate 1536 MB: the program's memory limit leaves"));
    }

    /** Deno's WebAssembly memory asks too, made (its initial pages) or grown; memory that fits works as before. */
    @ParameterizedTest
    @ValueSource(strings = {"new WebAssembly.Memory({initial: 24576})",
                            "new WebAssembly.Memory({initial: 1}).grow(24576)"})
    void webAssemblyMemoryOf1_5GbUnder64MbFailsInTheDenoProgram(String allocation) throws Exception {
        JsonNode answer = run("javascript", "deno", """
                const m = new WebAssembly.Memory({initial: 1, maximum: 30000});
                const fits = [m instanceof WebAssembly.Memory, m.buffer.byteLength, m.grow(2), m.buffer.byteLength];
                try { %s; return "allocated"; }
                catch (e) { return fits.join() + " " + e.name + ": " + e.message; }""".formatted(allocation), 64);
        assertThat(answer.toString(), answer.at("/result/structuredContent/result").asString(),
                   startsWith("true,65536,1,196608 RangeError: Cannot allocate 1536 MB: the program's memory limit "
                              + "leaves"));
    }

    /** In Python too: bytearray(n), and a repetition through variables (b"x" * n, [0] * n and s * n alike). */
    @ParameterizedTest
    @ValueSource(strings = {"bytearray(1536 * 1024 * 1024)", "chunk * times"})
    void oneBytearrayOf1_5GbUnder64MbFailsInThePythonProgram(String allocation) throws Exception {
        JsonNode answer = run("python", null, """
                chunk = b"x"
                times = 1536 * 1024 * 1024
                try:
                    kept = %s
                    result = "allocated"
                except MemoryError as e:
                    result = type(e).__name__ + ": " + str(e)
                result""".formatted(allocation), 64);
        assertThat(answer.toString(), answer.at("/result/structuredContent/result").asString(),
                   startsWith("MemoryError: Cannot allocate 1536 MB: the program's memory limit leaves"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "deno"})
    void filledTypedArraysOf1_5GbUnder64MbAreStopped(String engine) throws Exception {
        JsonNode answer = run("javascript", engine, BUFFERS_JS, 64);
        // Stopped by the limit, or (once the limit is found reached) refused the next buffer, which it does not catch.
        assertThat(answer.toString(), answer.at("/error/code").asInt() == -32009
                                      || answer.at("/result/isError").asBoolean()
                                         && answer.at("/result/structuredContent/stderr").asString()
                                                  .startsWith("RangeError: Cannot allocate 16 MB: the program's memory "
                                                              + "limit leaves"), is(true));
    }

    /**
     * Three programs churning through records beside one keeping 4 MB typed arrays, all under 64 MB: the churners
     * complete, and the holder is stopped (or refused its next buffer) before it holds twice its cap. From allocation
     * alone the holder could not be told from the churners until the four together held four times a cap: each churner
     * allocated more than the cap, so it might have held all of it. The holder churns first, so that the churners sent
     * before it are running when it starts to keep.
     */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino"})
    void aHolderOfBuffersAmongChurnersIsStoppedBeforeTwiceItsCap(String engine) throws Exception {
        holderAmongChurners(engine, "keep.push(new Uint8Array(4 * 1024 * 1024).fill(1)); console.log(4 * keep.length);",
                            "RangeError: Cannot allocate 4 MB");
    }

    /**
     * The same with a holder of 1 MB strings, which carry no token: the walk of the program's objects tells it from
     * the churners. Before the walk it reached about four caps (its room measured by what the rule could
     * prove).
     */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino"})
    void aHolderOfStringsAmongChurnersIsStoppedBeforeTwiceItsCap(String engine) throws Exception {
        holderAmongChurners(engine, "keep.push('x'.repeat(1024 * 1024) + keep.length); console.log(keep.length);",
                            "RangeError: Cannot allocate");
    }

    /**
     * A holder of small objects (records, as the churners make) among churners: nothing is checked as it allocates, so
     * the collections' figure calls for a walk of the suspects, which finds the holder. Before the walk the rule stopped
     * the churners one after another (each allocated more than its cap, so each might have held what the holder did)
     * and the holder last, at about four caps. Walked on the measurer's thread a GraalJS holder grew during its walk
     * and reached 1.1 million records; walked on its own thread, where it waits, it is stopped at its cap.
     */
    @ParameterizedTest
    @CsvSource({"graaljs, 900000", "rhino, 450000"})
    void aHolderOfRecordsAmongChurnersIsTheOneStoppedBeforeTwiceItsCap(String engine, int twiceTheCap)
            throws Exception {
        List<CompletableFuture<JsonNode>> churners = churners(engine);
        JsonNode holder = run("javascript", engine, holder("keep.push({id: keep.length, name: 'row-' + keep.length, "
                                                           + "v: Math.random()}); if (keep.length % 10000 == 0) "
                                                           + "console.log(keep.length);"), 64);
        assertThat(holder.toString(), holder.at("/error/code").asInt(), is(-32009));
        String[] lines = holder.at("/error/data/stdout").asString().strip().split("\n");
        System.out.println(engine + " holder of records among churners kept " + lines[lines.length - 1]
                           + " records under 64 MB, then was stopped");
        // Walked, a record comes to about 135 bytes in GraalJS and 280 in Rhino: some 480,000 and 230,000 to the cap.
        assertThat(Integer.parseInt(lines[lines.length - 1].strip()), lessThan(twiceTheCap));
        for (CompletableFuture<JsonNode> churner : churners) {
            JsonNode answer = churner.get(120, TimeUnit.SECONDS);
            assertThat(answer.toString(), answer.at("/result/structuredContent/result").asLong(),
                       greaterThan(1_000_000L));
        }
    }

    /**
     * The same in Python: the holder of records is stopped and the churners complete. Its bound, 600,000 records, is
     * twice its cap by what its walks find (220 bytes a record; its globals are a dict its module-level frame holds)
     * and about 2.8 caps on the heap (300 bytes): within the four caps the rule allows four programs at once.
     */
    @Test
    void aPythonHolderOfRecordsAmongChurnersIsStoppedBeforeTwiceItsCap() throws Exception {
        List<CompletableFuture<JsonNode>> churners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // Half the usual churn: four GraalPy programs share 2 cores, and each must end within 30 s.
            churners.add(async(() -> run("python", null, CHURN_PY.replace("range(40)", "range(20)"), 64)));
        }
        String churnFirst = CHURN_PY.replace("range(40)", "range(4)");
        JsonNode holder = run("python", null, churnFirst.substring(0, churnFirst.lastIndexOf("\ntotal")) + """

                keep = []
                while True:
                    keep.append({"id": len(keep), "name": "row-" + str(len(keep)), "v": random.random()})
                    if len(keep) % 10000 == 0:
                        print(len(keep))""", 64);
        assertThat(holder.toString(), holder.at("/error/code").asInt(), is(-32009));
        String[] lines = holder.at("/error/data/stdout").asString().strip().split("\n");
        int kept = Integer.parseInt(lines[lines.length - 1].strip());
        System.out.println("graalpy holder of records among churners kept " + kept + " records under 64 MB");
        // Alone, such a holder is stopped at 200,000-230,000 records holding 64-68 MB: some 300 bytes a record on the
        // heap (its walks find 220: they do not follow everything). 600,000 is about 2.8 caps, within the N caps the
        // rule allows N programs; beside the churners it was stopped at 120,000-440,000 (quiet or beside busy loops).
        assertThat(conduit.log(), kept, lessThan(600_000));
        for (CompletableFuture<JsonNode> churner : churners) {
            JsonNode answer = churner.get(120, TimeUnit.SECONDS);
            assertThat(answer.toString(), answer.at("/result/structuredContent/result").asLong(),
                       greaterThan(1_000_000L));
        }
    }

    /** Three programs churning through records under 64 MB, sent at once. */
    private static List<CompletableFuture<JsonNode>> churners(String engine) {
        List<CompletableFuture<JsonNode>> churners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            churners.add(async(() -> run("javascript", engine, CHURN_JS, 64)));
        }
        return churners;
    }

    /** A program that churns a little, then keeps what {@code keep} makes, for ever. */
    private static String holder(String keep) {
        return CHURN_JS.replace("i < 200", "i < 20").replace("return total;", "var keep = [];\nfor (;;) { " + keep + " }");
    }

    /** Runs three churners and a holder (churning first, then keeping with {@code keep}, printing its MB) at once. */
    private void holderAmongChurners(String engine, String keep, String refusal) throws Exception {
        List<CompletableFuture<JsonNode>> churners = churners(engine);
        JsonNode holder = run("javascript", engine, holder(keep), 64);
        JsonNode stdout = holder.at("/error/code").asInt() == -32009 ? holder.at("/error/data/stdout")
                : holder.at("/result/structuredContent/stdout");
        assertThat(holder.toString(), holder.at("/error/code").asInt() == -32009
                                      || holder.at("/result/structuredContent/stderr").asString().startsWith(refusal),
                   is(true));
        String[] lines = stdout.asString().strip().split("\n");
        int held = Integer.parseInt(lines[lines.length - 1].strip());
        System.out.println(engine + " holder among churners kept " + held + " MB under 64 MB, then "
                           + (holder.has("error") ? "was stopped" : "was refused its next allocation"));
        assertThat(engine + ": the holder kept " + held + " MB", held, lessThan(128));
        for (CompletableFuture<JsonNode> churner : churners) {
            JsonNode answer = churner.get(120, TimeUnit.SECONDS);
            assertThat(answer.toString(), answer.at("/result/structuredContent/result").asLong(),
                       greaterThan(1_000_000L));
        }
    }

    /**
     * Deno's runner counts what buffers hold (V8's external memory) against the limit: a program keeping 8 MB buffers
     * under 64 MB is refused the one that no longer fits, catches it and goes on, holding about its limit. Before,
     * nothing in the program counted them: the process grew to twice its limit and was killed (-32009).
     */
    @Test
    void denoRefusesTheBufferThatNoLongerFitsWhatTheProgramHolds() throws Exception {
        JsonNode answer = run("javascript", "deno", """
                const keep = [];
                try { for (;;) keep.push(new Uint8Array(8 * 1024 * 1024).fill(1)); }
                catch (e) { return e.name + " after " + keep.length + ": " + e.message; }""", 64);
        String result = answer.at("/result/structuredContent/result").asString();
        assertThat(answer.toString(), result, startsWith("RangeError after "));
        assertThat(result, containsString("the program's memory limit leaves"));
        int kept = Integer.parseInt(result.substring("RangeError after ".length(), result.indexOf(':')));
        assertThat("8 MB buffers kept under 64 MB: " + result, kept >= 5 && kept <= 8, is(true));
    }

    /**
     * In every engine, four programs each holding up to their 256 MB cap at once: every one is stopped (or refused in
     * the program), the server's resident memory (its engines' processes included) grows by less than 1.5 GB, and
     * another client's program, under a key of its own, is answered meanwhile within 5 s. (With the bombs' key it would
     * wait for one of that key's executions-per-key slots: the limit doing its work, not the server's health.)
     */
    @Test
    void concurrentBombsLeaveTheServerBoundedAndServingInEveryEngine() throws Exception {
        // A server of its own: what the bombs leave behind is not the other tests' business.
        RunningConduit own = RunningConduit.start(Files.createDirectories(dir.resolve("bombs")),
                                                  Map.of("CONDUIT_OTHER_KEY", OTHER_KEY), RunningConduit.config(true)
                .replace("    - id: limited", "    - id: other\n      secret: ${CONDUIT_OTHER_KEY}\n    - id: limited"));
        try {
            assertThat(own.log(), own.awaitLog("graaljs ready", Duration.ofSeconds(180)), is(true));
            assertThat(own.log(), own.awaitLog("graalpy ready", Duration.ofSeconds(180)), is(true));
            own.awaitRunning("rhino");
            own.awaitRunning("deno");
            McpHttpClient other = new McpHttpClient(own, OTHER_KEY); // its session opened beforehand
            for (String engine : List.of("graaljs", "rhino", "deno", "graalpy")) {
                bombs(own, engine, other);
            }
        } finally {
            own.close();
        }
    }

    /**
     * What a burst of Python programs grows, the server gives back once they stop: 640 short programs, sixteen at a
     * time, then the server's resident memory must come back within a fifth (and 64 MB) of what it was before, within
     * 20 s (issue 20's measure). Short programs because their used contexts come fastest: before, they waited for a
     * single closer thread (1,000 of them after a benchmark's burst, 1.4 GB of heap, 20 s to close), and the heap they
     * grew stayed committed after that.
     */
    @Test
    void theMemoryABurstOfPythonProgramsGrewIsGivenBack() throws Exception {
        long before = resident(conduit.pid());
        List<CompletableFuture<Integer>> clients = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            clients.add(async(() -> {
                McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
                for (int i = 0; i < 40; i++) {
                    JsonNode answer = run(client, "python", null, "sum(range(100))", 64);
                    assertThat(answer.toString(), answer.at("/result/structuredContent/result").asInt(), is(4950));
                }
                return 40;
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        long ended = System.nanoTime();
        long atTheEnd = resident(conduit.pid());
        long bound = before + before / 5 + 64L * 1024 * 1024;
        long deadline = ended + TimeUnit.SECONDS.toNanos(20);
        long after = atTheEnd;
        while (after > bound && System.nanoTime() < deadline) {
            Thread.sleep(250); // sampling the resident memory until the deadline: what is measured, not a wait for it
            after = resident(conduit.pid());
        }
        System.out.println("640 python programs: resident " + before / (1024 * 1024) + " MiB before, "
                           + atTheEnd / (1024 * 1024) + " MiB at the end, " + after / (1024 * 1024) + " MiB "
                           + (System.nanoTime() - ended) / 1_000_000 + " ms later (bound " + bound / (1024 * 1024)
                           + " MiB)");
        assertThat("resident memory " + after + " within 20 s (before: " + before + ")", after, lessThan(bound));
    }

    /**
     * What a stopped program held goes with it while the thread it ran on has nothing else to do. On two busy cores a
     * GraalJS program stopped by its memory limit left its exception, its frames and the 80 MB they reached in the
     * JVM's own state of its idle thread (its VM result slot, found in a core file; neither heap dumper shows a path
     * to it) for seconds, and the memory limit took them for the server's own. A thread whose program failed or was
     * stopped after allocating more than 16 MB now ends after answering (ExecutionPool). On a quiet machine the slot
     * was not left set, so this passes on the build before too: it guards the outcome, not that JVM path
     * (ExecutionPoolTest checks the thread ends).
     */
    @ParameterizedTest
    @ValueSource(strings = {"graaljs", "rhino", "graalpy"})
    void aStoppedProgramLeavesNothingOnTheHeapWhileItsThreadIdles(String engine) throws Exception {
        long before = heapAfterFullCollection();
        List<CompletableFuture<JsonNode>> churners = engine.equals("graalpy") ? List.of() : churners(engine);
        JsonNode answer = runOn(engine, holder("keep.push({id: keep.length, name: 'row-' + keep.length});"), """
                keep = []
                while True:
                    keep.append({"id": len(keep), "name": "row-" + str(len(keep))})""", 64);
        assertThat(answer.toString(), answer.at("/error/code").asInt(), is(-32009));
        for (CompletableFuture<JsonNode> churner : churners) {
            churner.get(120, TimeUnit.SECONDS);
        }
        // The thread ends just after the answer; its lane would keep an idle thread 30 s.
        long bound = before + 24L * 1024 * 1024;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long after = heapAfterFullCollection();
        while (after > bound && System.nanoTime() < deadline) {
            after = heapAfterFullCollection();
        }
        System.out.println(engine + ": heap in use after a full collection " + before / (1024 * 1024) + " MB before a "
                           + "stopped holder, " + after / (1024 * 1024) + " MB after it");
        assertThat(engine + ": heap in use after a full collection, before the stopped program " + before,
                   after, lessThan(bound));
    }

    /**
     * What Python programs compiled goes with them. GraalPy's engine kept a root node, and the parse tree behind it, of
     * every function any program defined, for ever: 29 MB for each {@code import asyncio} (the build before: 141 MB
     * before five asyncio programs and twenty like these, 255 MB after), about 11 KB a small function of the
     * program's own, until the heap ran out. The whole guarded here: asyncio's code is shared
     * by the engine once the first programs, not measured, made it, and nothing a program compiled stays. The pruning
     * of a program's own functions is held exactly by GraalPyExecutorTest: unpruned, these thirty leave some 10 MB,
     * within this bound (a test that told it apart on the heap would run for minutes).
     */
    @Test
    void whatPythonProgramsCompiledGoesWithThem() throws Exception {
        StringBuilder functions = new StringBuilder("import json\n");
        for (int i = 0; i < 200; i++) {
            functions.append("def f").append(i).append("(x):\n    return json.dumps([x] * ").append(i).append(")\n");
        }
        functions.append("print(len(f199(1)))");
        printed(ASYNCIO, "[0, 1, 2]\n", 256);
        printed(functions.toString(), "597\n", 256);
        long before = heapAfterFullCollection();
        for (int i = 0; i < 4; i++) {
            printed(ASYNCIO, "[0, 1, 2]\n", 256);
        }
        for (int i = 0; i < 30; i++) {
            printed(functions.toString(), "597\n", 256);
        }
        long bound = before + 32L * 1024 * 1024;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long after = heapAfterFullCollection();
        while (after > bound && System.nanoTime() < deadline) {
            after = heapAfterFullCollection(); // used contexts are closed off the programs' path
        }
        System.out.println("python: heap in use after a full collection " + before / (1024 * 1024) + " MB before four "
                           + "asyncio programs and thirty of 200 functions, " + after / (1024 * 1024) + " MB after");
        assertThat("heap in use after a full collection, before those programs " + before, after, lessThan(bound));
    }

    /**
     * A Python program importing asyncio completes under 32 MB. Each context compiled the standard modules it imported
     * from their sources and held that: 30-50 MB for asyncio, so under 32 MB such programs were stopped in 4 of 5
     * runs (under 64 MB, 1 of 5). The build compiles the standard library to bytecode files
     * (build/PythonBytecode.java), whose code GraalPy keeps once for the engine: a context now holds 2-3 MB for it. The
     * first import after a start makes that shared code, so it runs under the default limit.
     */
    @Test
    void aProgramImportingAsyncioCompletesUnder32Mb() throws Exception {
        printed(ASYNCIO, "[0, 1, 2]\n", 256);
        for (int i = 0; i < 3; i++) {
            printed(ASYNCIO, "[0, 1, 2]\n", 32);
        }
    }

    private static final String ASYNCIO = """
            import asyncio
            async def main():
                await asyncio.sleep(0)
                return [n async for n in numbers()]
            async def numbers():
                for n in range(3):
                    yield n
            print(asyncio.run(main()))""";

    /** Runs a Python program under {@code memoryMb} and checks what it printed. */
    private static void printed(String python, String stdout, int memoryMb) throws Exception {
        JsonNode answer = run("python", null, python, memoryMb);
        assertThat(answer.toString(), answer.at("/result/structuredContent/stdout").asString(), is(stdout));
    }

    /** The heap's line of {@code jcmd GC.heap_info}: "garbage-first heap total reserved ..., used 58123K [...". */
    private static final Pattern HEAP_USED = Pattern.compile("heap +total .* used (\\d+)K");

    /** The server's heap in use right after a full collection it is told to make ({@code jcmd}, as an operator). */
    private static long heapAfterFullCollection() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        assertThat(info, used.find(), is(true));
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                          Long.toString(conduit.pid()), command).redirectErrorStream(true).start();
        String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("jcmd " + command + ": " + said, jcmd.waitFor(30, TimeUnit.SECONDS) && jcmd.exitValue() == 0,
                   is(true));
        return said;
    }

    private static final String OTHER_KEY = "other-client-key-0123456789abcdef";

    private static void bombs(RunningConduit conduit, String engine, McpHttpClient other) throws Exception {
        long before = resident(conduit.pid());
        List<CompletableFuture<JsonNode>> bombs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bombs.add(async(() -> {
                McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
                return engine.equals("graalpy")
                        ? run(client, "python", null, "keep = []\nwhile True:\n    keep.append([0.5] * 131072)", 256)
                        : run(client, "javascript", engine,
                              "var keep = []; for (;;) keep.push(new Array(131072).fill(Math.random()));", 256);
            }));
        }
        long peak = before;
        JsonNode simple = null;
        CompletableFuture<Void> all = CompletableFuture.allOf(bombs.toArray(CompletableFuture[]::new));
        for (boolean done = false; !done; ) {
            peak = Math.max(peak, resident(conduit.pid()));
            if (simple == null) {
                simple = async(() -> run(other, "javascript", "graaljs", "return 1 + 1", 64)).get(5, TimeUnit.SECONDS);
            }
            try {
                all.get(50, TimeUnit.MILLISECONDS); // and sample the resident memory again meanwhile
                done = true;
            } catch (TimeoutException e) {
                done = false;
            }
        }
        for (CompletableFuture<JsonNode> stopped : bombs) {
            JsonNode answer = stopped.get(120, TimeUnit.SECONDS);
            // Stopped by its memory limit, or refused for want of heap (busy) when the caps did not fit.
            assertThat(engine + ": " + answer, answer.at("/error/code").asInt() == -32009
                                               || answer.at("/error/code").asInt() == -32000, is(true));
        }
        // Printed: how close each engine comes to the bound is worth seeing in the report, not only a failure.
        System.out.println("four " + engine + " bombs: the server grew " + (peak - before) / (1024 * 1024)
                           + " MiB (bound 1536 MiB)");
        assertThat(engine + ": " + simple, simple.at("/result/structuredContent/result").asInt(), is(2));
        assertThat(engine + ": resident memory grew from " + before + " to " + peak, peak - before,
                   lessThan(1536L * 1024 * 1024));
    }

    /** Runs {@code work} on another thread: a client of its own, or several at once. */
    private static <T> CompletableFuture<T> async(Callable<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The server's resident memory with its children's (Deno's processes, the upstreams). */
    private static long resident(long pid) throws IOException {
        long total = residentOf(pid);
        for (ProcessHandle child : ProcessHandle.of(pid).map(handle -> handle.descendants().toList())
                .orElse(List.of())) {
            total += residentOf(child.pid());
        }
        return total;
    }

    private static long residentOf(long pid) throws IOException {
        List<String> status;
        try {
            status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        } catch (NoSuchFileException e) {
            return 0; // a child that ended meanwhile
        } catch (IOException e) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw e;
            }
            return 0; // a child ending as it was read ("No such process")
        }
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
            }
        }
        return 0;
    }
}
