package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Code Mode end to end: programs through /mcp on the real distribution, calling the real server-everything. */
class CodeModeIT {

    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static McpHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, RunningConduit.configWithEverything());
        client = new McpHttpClient(conduit, RunningConduit.API_KEY);
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void javascriptLoopsOverToolCalls() throws Exception {
        conduit.awaitRunning("graaljs"); // the default engine: until it runs programs, another engine may take them
        JsonNode run = execute("""
                const sums = [];
                for (let i = 1; i <= 10; i++) {
                  const answer = await tools.everything.get_sum({a: i, b: 100});
                  sums.push(answer);
                }
                const echo = await tools.everything.echo({message: 'from code'});
                console.log(echo);
                return sums.length;""", null);
        JsonNode structured = run.at("/result/structuredContent");
        assertThat(run.toString(), structured.get("exitCode").asInt(), is(0));
        assertThat(run.toString(), run.at("/result/isError").isMissingNode(), is(true));
        assertThat(structured.get("stdout").asString(), is("Echo: from code\n"));
        assertThat(structured.get("result").asInt(), is(10));
        assertThat(structured.get("toolCalls").size(), is(11));
        assertThat(structured.at("/toolCalls/0/tool").asString(), is("everything__get-sum"));
        assertThat(structured.at("/toolCalls/0/outcome").asString(), is("ok"));
        assertThat(structured.get("engine").asString(), is("graaljs"));
    }

    /**
     * A program's parallel calls overlap on every JavaScript engine, as in the original's Deno: eight calls of an
     * upstream operation that takes 2 s each finish within a wall limit of 9 s (one after another they take 16 s),
     * their answers in the program's order and all eight in the trace.
     */
    @Test
    void parallelCallsOverlapOnEveryJavaScriptEngine() throws Exception {
        for (String engine : List.of("graaljs", "rhino", "deno")) {
            conduit.awaitRunning(engine);
            ObjectNode extra = Json.object().put("engine", engine);
            extra.putObject("limits").put("timeoutMs", 9_000);
            JsonNode run = execute("""
                    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
                        tools.$raw('everything__trigger-long-running-operation', {duration: 2, steps: 1})
                            .then((answer) => n + ' ' + (typeof answer === 'string' ? answer : JSON.stringify(answer)))));
                    return answers;""", extra);
            JsonNode structured = run.at("/result/structuredContent");
            assertThat(engine + " " + run, structured.get("exitCode").asInt(), is(0));
            for (int n = 1; n <= 8; n++) {
                assertThat(run.toString(), structured.at("/result/" + (n - 1)).asString(),
                           allOf(startsWith(n + " "), containsString("completed")));
            }
            assertThat(structured.get("toolCalls").size(), is(8));
        }
    }

    @Test
    void oversizedToolArgumentsAreRefusedBeforeTheUpstreamWhichStaysUpForEveryone() throws Exception {
        JsonNode run = execute("""
                let refused = 'not refused';
                try {
                  await tools.everything.echo({message: 'x'.repeat(5 * 1024 * 1024)});
                } catch (e) {
                  refused = String(e && e.message ? e.message : e);
                }
                const after = await tools.everything.echo({message: 'still up'});
                return {refused, after};""", null);
        JsonNode structured = run.at("/result/structuredContent");
        assertThat(run.toString().substring(0, Math.min(2000, run.toString().length())),
                   structured.at("/result/refused").asString(), containsString("limits.tool-argument-bytes"));
        assertThat(structured.at("/result/after").asString(), containsString("still up"));
        assertThat(conduit.log(), org.hamcrest.Matchers.not(containsString("stopped accepting messages")));
    }

    @Test
    void rhinoRunsTheSameAwaitStyleProgramWhenAsked() throws Exception {
        ObjectNode rhino = Json.object();
        rhino.put("engine", "rhino");
        JsonNode run = execute("""
                const sum = async (a) => (await tools.everything.get_sum({a, b: 100})).toString();
                const sums = [];
                for (let i = 1; i <= 5; i++) {
                  sums.push(await sum(i));
                }
                const [echo] = await Promise.all([tools.everything.echo({message: 'from rhino'})]);
                console.log(echo, sums.join(','));
                return {count: sums.length};""", rhino);
        JsonNode structured = run.at("/result/structuredContent");
        assertThat(run.toString(), structured.get("exitCode").asInt(), is(0));
        assertThat(structured.get("engine").asString(), is("rhino"));
        assertThat(structured.get("stdout").asString(), containsString("Echo: from rhino "));
        assertThat(structured.at("/result/count").asInt(), is(5));
        assertThat(structured.get("toolCalls").size(), is(6));
        // A limit holds on Rhino too, with the same code as everywhere.
        rhino.putObject("limits").put("timeoutMs", 300);
        JsonNode stopped = execute("console.log('spinning'); for (;;) {}", rhino);
        assertThat(stopped.toString(), stopped.at("/error/code").asInt(), is(-32008));
        assertThat(stopped.at("/error/data/stdout").asString(), is("spinning\n"));
    }

    @Test
    void denoRunsTypeScriptInItsOwnProcessAndLeavesNoneBehind() throws Exception {
        ObjectNode deno = Json.object();
        deno.put("engine", "deno");
        JsonNode run = execute("typescript", """
                interface Sum { a: number; b: number }
                const pairs: Sum[] = [1, 2, 3, 4].map((a): Sum => ({a, b: a * 10}));
                const sums: number[] = [];
                for (const pair of pairs) {
                  const text: string = await tools.everything.get_sum(pair);  // "The sum of 1 and 10 is 11."
                  sums.push(Number(/is (\\d+)/.exec(text)![1]));
                }
                const echo = await tools.everything.echo({message: `sums ${sums.join('+')}`}) as string;
                console.log(echo);
                return sums.reduce((x, y) => x + y, 0);""", deno);
        JsonNode structured = run.at("/result/structuredContent");
        assertThat(run.toString(), structured.get("exitCode").asInt(), is(0));
        assertThat(structured.get("engine").asString(), is("deno"));
        assertThat(structured.get("stdout").asString(), is("Echo: sums 11+22+33+44\n"));
        assertThat(structured.get("result").asInt(), is(110));
        assertThat(structured.get("toolCalls").size(), is(5));
        // Denied, and stopped: the server's own port is out of reach, a runaway is killed with the same code as
        // everywhere, and afterwards no Deno process is left but the engine's pool.
        JsonNode fetched = execute("typescript", "await fetch('http://127.0.0.1:" + conduit.mcpPort() + "/mcp')", deno);
        assertThat(fetched.at("/result/structuredContent/stderr").asString(), containsString("NotCapable"));
        // Two seconds: the limit counts from admission, and under load the stripping and a Deno process's start took
        // most of 500 ms once, so the program was killed before it printed.
        deno.putObject("limits").put("timeoutMs", 2000);
        JsonNode stopped = execute("typescript", "console.log('spinning'); for (;;) {}", deno);
        assertThat(stopped.toString(), stopped.at("/error/code").asInt(), is(-32008));
        assertThat(stopped.at("/error/data/stdout").asString(), is("spinning\n"));
        // Used processes are reaped off the request's path; what stays is the default executors.deno.pool-size.
        assertThat(conduit.awaitDenoProcessesAtMost(2, Duration.ofSeconds(10)), is(true));
        assertThat(execute("6 * 7", null).at("/result/structuredContent/result").asInt(), is(42));
    }

    @Test
    void typescriptWithTypesRunsThroughTheToolAndTheOriginalMethod() throws Exception {
        ObjectNode arguments = Json.object();
        arguments.put("code", """
                interface Sum { content?: unknown }
                const answers: string[] = [];
                for (const n of [1, 2, 3] as number[]) {
                  answers.push(await tools.everything.echo({message: `n=${n}`}) as string);
                }
                console.log(answers.join('|'));""");
        ObjectNode params = Json.object();
        params.put("name", "execute_typescript");
        params.set("arguments", arguments);
        JsonNode response = client.post(Json.object().put("jsonrpc", "2.0").put("id", 5)
                .put("method", "tools/call").set("params", params).toString());
        assertThat(response.toString(), response.at("/result/structuredContent/stdout").asString(),
                   is("Echo: n=1|Echo: n=2|Echo: n=3\n"));

        JsonNode legacy = client.post("""
                {"jsonrpc":"2.0","id":6,"method":"mcp.executeTypeScript","params":{"code":\
                "const x: number = 40; const y = <number>2; console.log(x + y as number)"}}""");
        assertThat(legacy.toString(), legacy.at("/result/stdout").asString(), is("42\n"));
        assertThat(legacy.at("/result/exitCode").asInt(), is(0));
    }

    @Test
    void pythonLoopsOverToolsThroughTheToolAndTheOriginalMethod() throws Exception {
        ObjectNode arguments = Json.object();
        arguments.put("code", """
                total = 0
                for i in range(1, 6):
                    answer = tools.everything.get_sum(a=i, b=10)
                    total += 1
                echo = tools.everything.echo({'message': 'from python'})
                print(echo)
                total""");
        ObjectNode params = Json.object();
        params.put("name", "execute_python");
        params.set("arguments", arguments);
        JsonNode response = client.post(Json.object().put("jsonrpc", "2.0").put("id", 5)
                .put("method", "tools/call").set("params", params).toString());
        JsonNode structured = response.at("/result/structuredContent");
        assertThat(response.toString(), structured.get("exitCode").asInt(), is(0));
        assertThat(structured.get("stdout").asString(), is("Echo: from python\n"));
        assertThat(structured.get("result").asInt(), is(5));
        assertThat(structured.get("toolCalls").size(), is(6));
        assertThat(structured.get("engine").asString(), is("graalpy"));

        JsonNode legacy = client.post("""
                {"jsonrpc":"2.0","id":6,"method":"mcp.executePython","params":{"code":\
                "r = await tools.everything.echo({'message': 'awaited'})\\nprint(r)"}}""");
        assertThat(legacy.toString(), legacy.at("/result/stdout").asString(), is("Echo: awaited\n"));
    }

    /**
     * A Python error raised inside the standard library shows the program's own frames only. The distribution's
     * standard library comes compiled, and frames of code read from its bytecode files have no path, which the filter
     * had gone by: json's {@code decode(decoder.py:329)} and {@code loads(__init__.py:347)} showed.
     */
    @Test
    void aPythonErrorInTheStandardLibraryShowsTheProgramsFramesOnly() throws Exception {
        JsonNode structured = execute("python", """
                import json
                def parse(text):
                    return json.loads(text)
                parse('{')""", Json.object()).at("/result/structuredContent");
        String stderr = structured.get("stderr").asString();
        assertThat(structured.toString(), stderr, containsString("JSONDecodeError"));
        assertThat(stderr, containsString("parse(<main>:3)"));
        assertThat(stderr, not(containsString(".py")));
        assertThat(stderr, not(containsString("/")));
    }

    @Test
    void toolErrorsReachTheProgramAsToolError() throws Exception {
        JsonNode structured = execute("""
                try { await tools.everything.get_sum({a: 'not a number'}); }
                catch (e) { console.log(e.name, e.tool, e.message.includes('Invalid arguments')); }""", null)
                .at("/result/structuredContent");
        assertThat(structured.get("stdout").asString(), is("ToolError everything__get-sum true\n"));
    }

    @Test
    void allowedToolsNarrowsAndTheProgramCannotStartAnotherExecution() throws Exception {
        ObjectNode extra = Json.object();
        extra.putArray("allowedTools").add("everything.echo");
        JsonNode structured = execute("""
                const seen = Object.keys(tools.everything).sort().join(',');
                let sum = 'allowed';
                try { await tools.$raw('everything__get-sum', {a: 1, b: 2}); } catch (e) { sum = e.message; }
                let nested = 'allowed';
                try { await tools.$raw('execute_javascript', {code: '1'}); } catch (e) { nested = e.message; }
                console.log(seen); console.log(sum); console.log(nested);""", extra).at("/result/structuredContent");
        String[] lines = structured.get("stdout").asString().split("\n");
        assertThat(lines[0], is("echo"));
        assertThat(lines[1], containsString("not in the allowlist"));
        assertThat(lines[2], containsString("not in the allowlist"));
    }

    @Test
    void aProgramCannotReachTheGatewaysOwnToolsEvenWhenItsKeyAllowsEverything() throws Exception {
        // Key "it" allows "*" and the request narrows nothing: only the bridge's own guard stands in the way.
        JsonNode structured = execute("""
                const out = [];
                for (const name of ['execute_javascript', 'conduit__execute_javascript', 'conduit.execute_python',
                                    'conduit__search_tools']) {
                  try { await tools.$raw(name, {code: '1', query: 'x'}); out.push(name + ': reached'); }
                  catch (e) { out.push(name + ': ' + e.name); }
                }
                console.log(out.join('\\n'));""", null).at("/result/structuredContent");
        assertThat(structured.toString(), structured.get("stdout").asString(), is("""
                execute_javascript: ToolError
                conduit__execute_javascript: ToolError
                conduit.execute_python: ToolError
                conduit__search_tools: ToolError
                """));
        assertThat(structured.at("/toolCalls/0/outcome").asString(), is("refused"));
    }

    @Test
    void limitViolationIsAnErrorWithItsCodeAndThePartialOutput() throws Exception {
        ObjectNode extra = Json.object();
        extra.putObject("limits").put("timeoutMs", 500);
        JsonNode response = execute("console.log('started'); while (true) {}", extra);
        assertThat(response.toString(), response.at("/error/code").asInt(), is(-32008));
        assertThat(response.at("/error/data/stdout").asString(), is("started\n"));
        // The server is fine afterwards.
        assertThat(execute("6 * 7", null).at("/result/structuredContent/result").asInt(), is(42));
    }

    @Test
    void guestExceptionIsExitCodeOneWithTheMessage() throws Exception {
        JsonNode result = execute("throw new TypeError('bad input')", null).at("/result");
        // A failed tool call to MCP clients and models, with the original's fields.
        assertThat(result.toString(), result.get("isError").asBoolean(), is(true));
        JsonNode structured = result.get("structuredContent");
        assertThat(structured.get("exitCode").asInt(), is(1));
        assertThat(structured.get("stderr").asString(), containsString("TypeError: bad input"));
    }

    @Test
    void originalExecuteMethodKeepsItsShape() throws Exception {
        JsonNode response = client.post("""
                {"jsonrpc":"2.0","id":7,"method":"mcp.executeIsolate","params":{"code":\
                "const r = await tools.everything.echo({message: 'legacy'}); console.log(r)"}}""");
        JsonNode result = response.get("result");
        assertThat(response.toString(), result.get("exitCode").asInt(), is(0));
        assertThat(result.get("stdout").asString(), is("Echo: legacy\n"));
        assertThat(result.get("stderr").asString(), is(""));
        assertThat(result.size(), is(3));
    }

    @Test
    void moduleSyntaxGoesToDenoAsInTheOriginal() throws Exception {
        for (String engine : java.util.List.of("deno ready", "graaljs ready")) {
            assertThat(conduit.log(), conduit.awaitLog(engine, java.time.Duration.ofSeconds(60)), is(true));
        }
        // The original's way to force Deno: a program starting with "export {};", on the 1.0 method and the tool.
        JsonNode legacy = client.post("""
                {"jsonrpc":"2.0","id":7,"method":"mcp_execute_typescript","params":\
                {"code":"export {};\\nconst n: number = 2; console.log(typeof Deno, n)"}}""");
        assertThat(legacy.toString(), legacy.at("/result/stdout").asString(), is("object 2\n"));
        JsonNode tool = execute("typescript", "export {};\nconsole.log(typeof Deno)", null);
        assertThat(tool.toString(), tool.at("/result/structuredContent/engine").asString(), is("deno"));
        assertThat(tool.at("/result/structuredContent/stdout").asString(), is("object\n"));
        // Import statements too: they load Deno's built-in modules there (and are a syntax error anywhere else).
        JsonNode imports = execute("javascript", "import { createHash } from 'node:crypto';\n"
                                                 + "return createHash('sha256').update('a').digest('hex');", null);
        assertThat(imports.toString(), imports.at("/result/structuredContent/engine").asString(), is("deno"));
        assertThat(imports.at("/result/structuredContent/result").asString(),
                   is("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"));
        JsonNode named = execute("javascript", "import { createHash } from 'node:crypto';\nreturn 1;",
                                 Json.object().put("engine", "graaljs"));
        assertThat(named.toString(), named.at("/error/code").asInt(), is(-32602));
        assertThat(named.at("/error/message").asString(), containsString("engine \"deno\""));
        // An import line inside a string is no import: it runs where the language's programs run.
        JsonNode quoted = execute("javascript", "const text = `\nimport x from 'y'`;\nreturn text.length;", null);
        assertThat(quoted.toString(), quoted.at("/result/structuredContent/engine").asString(), is("graaljs"));
        JsonNode exports = execute("javascript", "export const a = 1;", null);
        assertThat(exports.toString(), exports.at("/error/code").asInt(), is(-32602));
        assertThat(exports.at("/error/message").asString(), containsString("export statements"));
    }

    @Test
    void keyWithoutConduitToolsCannotExecute() throws Exception {
        McpHttpClient limited = new McpHttpClient(conduit, RunningConduit.LIMITED_KEY);
        JsonNode list = limited.post("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}");
        assertThat(list.toString().contains("execute_javascript"), is(false));
        JsonNode call = limited.post("""
                {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"execute_javascript",\
                "arguments":{"code":"1"}}}""");
        assertThat(call.at("/error/code").asInt(), is(-32602));
    }

    private static JsonNode execute(String code, ObjectNode extra) throws Exception {
        return execute("javascript", code, extra);
    }

    private static JsonNode execute(String language, String code, ObjectNode extra) throws Exception {
        return client.execute(language, code, extra);
    }
}
