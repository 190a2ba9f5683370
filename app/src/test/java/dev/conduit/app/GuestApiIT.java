package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The compatibility corpus: short programs in the style of the original Conduit's README and tests (its
 * dynamic.tool.test.ts among them), each run unchanged through /mcp on the engine named, against the real
 * server-everything and server-filesystem, and held to its exact output.
 */
class GuestApiIT {
    private static final Path FILESYSTEM = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js").toAbsolutePath();

    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static McpHttpClient client;
    private static Path shared;

    @BeforeAll
    static void start() throws Exception {
        shared = Files.createDirectories(dir.resolve("shared")).toRealPath();
        Files.writeString(shared.resolve("hello.txt"), "hello from the corpus");
        // TypeScript runs on Deno unless a request names an engine: the routing by configuration is under test too.
        conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                executors:
                  default:
                    typescript: deno
                upstreams:
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                  - id: files
                    command: %s
                    args: [%s, %s]
                """.formatted(RunningConduit.NODE.toAbsolutePath(), RunningConduit.EVERYTHING,
                              RunningConduit.NODE.toAbsolutePath(), FILESYSTEM, shared));
        client = new McpHttpClient(conduit, RunningConduit.API_KEY);
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    private static final String IMAGE_JS = """
            const r = await tools.everything.get_tiny_image({});
            console.log(r.content.map(c => c.type).join(','), r.content[1].mimeType, r.content[1].data.slice(0, 4));""";
    private static final String IMAGE_SEEN = "text,image,text image/png iVBO\n";

    static Stream<Arguments> corpus() {
        String missJs = "Namespace or Tool 'github' not found. Available namespaces: everything, files. "
                        + "Use tools.$raw(name, args) for dynamic calls.\n";
        String missPy = "Namespace or Tool 'github' not found. Available namespaces: everything, files. "
                        + "Use tools.raw(name, args) for dynamic calls.\n";
        return Stream.of(
                // The README's first example, on every JavaScript engine.
                Arguments.of("typed call", "typescript", "graaljs",
                             "const r = await tools.everything.echo({message: 'hi'});\nconsole.log(r);", "Echo: hi\n"),
                Arguments.of("typed call on deno", "typescript", "deno",
                             "interface Args { message: string }\nconst args: Args = {message: 'deno'};\n"
                             + "console.log(await tools.everything.echo(args));", "Echo: deno\n"),
                Arguments.of("await style on rhino", "javascript", "rhino",
                             "const r = await tools.everything.echo({message: 'rhino'});\nconsole.log(r);",
                             "Echo: rhino\n"),
                // dynamic.tool.test.ts: discovery, then $raw by full and dotted name.
                Arguments.of("discover then raw", "typescript", "deno", """
                        const list = await discoverMCPTools();
                        const hello = list.find(t => t.name === 'everything__echo');
                        console.log(hello !== undefined, Object.keys(hello.inputSchema.properties).join(','));
                        console.log(await tools.$raw(hello.name, {message: 'Deno'}));""",
                             "true message\nEcho: Deno\n"),
                Arguments.of("discover by package and words", "javascript", "graaljs", """
                        const found = await discoverMCPTools({package: 'everything', search: 'sum'});
                        console.log(found.map(t => t.name).join(','));""", "everything__get-sum\n"),
                Arguments.of("raw dotted name", "javascript", "rhino",
                             "console.log(await tools.$raw('everything.echo', {message: 'dotted'}));",
                             "Echo: dotted\n"),
                Arguments.of("raw full name", "javascript", "graaljs",
                             "console.log(await tools.$raw('everything__get-sum', {a: 2, b: 3}));",
                             "The sum of 2 and 3 is 5.\n"),
                Arguments.of("flat access", "javascript", "graaljs",
                             "console.log(await tools.echo({message: 'flat'}));", "Echo: flat\n"),
                Arguments.of("bracket access to a hyphenated name", "typescript", "graaljs",
                             "console.log(await tools.everything['get-sum']({a: 1, b: 2}));",
                             "The sum of 1 and 2 is 3.\n"),
                Arguments.of("unknown namespace names what exists", "javascript", "deno",
                             "try { await tools.github.create_issue({}); } catch (e) { console.log(e.message); }",
                             missJs),
                Arguments.of("parallel calls", "typescript", "deno", """
                        const [a, b] = await Promise.all([tools.everything.echo({message: 'a'}),
                                                          tools.everything.echo({message: 'b'})]);
                        console.log(a, b);""", "Echo: a Echo: b\n"),
                // server-filesystem answers structuredContent, which is what the program gets.
                Arguments.of("a second upstream", "typescript", "graaljs",
                             "const listing: {content: string} = await tools.files.list_directory({path: '" + shared
                             + "'});\nconsole.log(listing.content);", "[FILE] hello.txt\n"),
                // Python, as the original's python-shim documented it.
                Arguments.of("python await style", "python", "graalpy",
                             "r = await tools.everything.echo({'message': 'py'})\nprint(r)", "Echo: py\n"),
                Arguments.of("python keyword arguments and snake case", "python", "graalpy",
                             "print(tools.everything.get_sum(a=4, b=5))", "The sum of 4 and 5 is 9.\n"),
                Arguments.of("python raw dotted name", "python", "graalpy",
                             "print(await tools.raw('everything.echo', {'message': 'raw'}))", "Echo: raw\n"),
                Arguments.of("python discovery", "python", "graalpy", """
                        found = await discover_mcp_tools({'package': 'everything', 'search': 'sum'})
                        print([t['name'] for t in found])""", "['everything__get-sum']\n"),
                Arguments.of("python bracket access", "python", "graalpy",
                             "print(tools.everything['get-sum'](a=1, b=1))", "The sum of 1 and 1 is 2.\n"),
                Arguments.of("python unknown namespace", "python", "graalpy",
                             "try:\n    tools.github\nexcept AttributeError as e:\n    print(e)", missPy),
                // Beyond the original: an image (or audio, a resource, a link) reaches a program as the content
                // itself, where text would have lost it.
                Arguments.of("an image as content", "javascript", "graaljs", IMAGE_JS, IMAGE_SEEN),
                Arguments.of("an image as content on rhino", "javascript", "rhino", IMAGE_JS, IMAGE_SEEN),
                Arguments.of("an image as content on deno", "typescript", "deno", IMAGE_JS, IMAGE_SEEN),
                Arguments.of("python an image as content", "python", "graalpy", """
                        r = tools.everything.get_tiny_image()
                        print(",".join(c["type"] for c in r["content"]), r["content"][1]["mimeType"],
                              r["content"][1]["data"][:4])""", IMAGE_SEEN));
    }

    @ParameterizedTest(name = "{0} ({2})")
    @MethodSource("corpus")
    void runsUnchanged(String name, String language, String engine, String code, String stdout) throws Exception {
        ObjectNode extra = Json.object().put("engine", engine);
        JsonNode response = client.execute(language, code, extra);
        JsonNode structured = response.at("/result/structuredContent");
        assertThat(response.toString(), structured.path("exitCode").asInt(-1), is(0));
        assertThat(structured.get("stdout").asString(), is(stdout));
    }

    @Test
    void typescriptGoesToTheConfiguredDefaultEngineAndJavascriptDoesNot() throws Exception {
        conduit.awaitRunning("graaljs"); // the default engine: until it runs programs, another engine may take them
        JsonNode typescript = client.execute("typescript", "const n: number = 6 * 7; return n;", null);
        assertThat(typescript.toString(), typescript.at("/result/structuredContent/engine").asString(), is("deno"));
        assertThat(typescript.at("/result/structuredContent/result").asInt(), is(42));
        JsonNode javascript = client.execute("javascript", "6 * 7", null);
        assertThat(javascript.at("/result/structuredContent/engine").asString(), is("graaljs"));
    }

    @Test
    void allowlistRefusalReadsLikeTheOriginal() throws Exception {
        ObjectNode extra = Json.object();
        extra.putArray("allowedTools").add("everything.echo");
        JsonNode response = client.execute("javascript", """
                console.log(await tools.$raw('everything.echo', {message: 'allowed'}));
                try { await tools.$raw('everything__get-sum', {a: 1, b: 1}); } catch (e) { console.log(e.message); }
                console.log((await discoverMCPTools()).map(t => t.name).join(','));""", extra);
        assertThat(response.at("/result/structuredContent/stdout").asString(), is("""
                Echo: allowed
                Authorization failed: tool everything__get-sum is not in the allowlist or does not exist
                everything__echo
                """));
    }

    @Test
    void theOriginalMethodsRunTheSameCode() throws Exception {
        JsonNode typescript = client.post("""
                {"jsonrpc":"2.0","id":3,"method":"mcp.executeTypeScript","params":{"code":\
                "const all = await discoverMCPTools({search: 'echo', package: 'everything'}); \
                console.log(all.length, await tools.echo({message: 'legacy'}))"}}""");
        assertThat(typescript.toString(), typescript.at("/result/stdout").asString(), is("1 Echo: legacy\n"));
        JsonNode python = client.post("""
                {"jsonrpc":"2.0","id":4,"method":"mcp.executePython","params":{"code":\
                "print(await tools.raw('everything__echo', {'message': 'legacy py'}))"}}""");
        assertThat(python.toString(), python.at("/result/stdout").asString(), is("Echo: legacy py\n"));
    }
}
