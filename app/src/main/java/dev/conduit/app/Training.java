package dev.conduit.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.gateway.ExecutorRegistry;

/**
 * {@code conduit --train}: the run that the JVM's ahead-of-time cache is recorded from (JEP 483/514/515,
 * {@code -XX:AOTCacheOutput}, set by {@code bin/conduit --train}). It starts a server on free loopback ports with a
 * configuration of its own, with the engines the given configuration enables (every one for the build's), waits for
 * them, sends what a client does in its first minute (both protocol eras, a program in every enabled engine and
 * language, a tool call from a program, errors), and stops. The classes loaded and linked, and the methods' profiles,
 * are what the next starts find in the cache: about a second less to the listening socket, and engines ready in half
 * the time (docs/benchmarks.md, "Start-up"). It writes the cache's name ({@link StartupCache}) to
 * {@code aot/training.name}, where bin/conduit reads it to file the cache under.
 */
final class Training {
    private static final System.Logger LOGGER = System.getLogger(Training.class.getName());
    private static final Duration ENGINES_READY = Duration.ofSeconds(180);
    private static final String MODERN = "2026-07-28";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String key = newKey();
    private final List<String> engines;
    private URI mcp;
    private URI ops;

    private Training(List<String> engines) {
        this.engines = engines;
    }

    /** Per-request log lines, quiet during the training: the build's output is for what went wrong. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("dev.conduit.events"), java.util.logging.Logger.getLogger("dev.conduit.audit"));

    private static String newKey() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Runs the training for the engines {@code configFile} enables; answers the process's exit code. */
    static int run(Path configFile) {
        QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
        try {
            List<String> engines = ExecutorRegistry.enabled(ConduitConfig.executorsOf(configFile));
            int code = new Training(engines).train();
            Path home = Path.of(System.getProperty("conduit.home", "."));
            Files.writeString(home.resolve("aot/training.name"),
                              StartupCache.name(engines, ExecutorRegistry.installed()));
            return code;
        } catch (InvalidConfigException e) {
            LOGGER.log(System.Logger.Level.ERROR, "training failed: " + configFile + ": " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            LOGGER.log(System.Logger.Level.ERROR, "training failed: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int train() throws IOException, InterruptedException {
        Path file = Files.createTempFile("conduit-training", ".yaml");
        try {
            Files.writeString(file, """
                    server:
                      host: 127.0.0.1
                      port: 0
                      sockets:
                        - name: ops
                          host: 127.0.0.1
                          port: 0
                    auth:
                      api-keys:
                        - id: training
                          secret: ${CONDUIT_TRAINING_KEY}
                    executors:
                    """ + "  enabled: [" + String.join(", ", engines) + "]\n");
            Conduit conduit = new Conduit(ConduitConfig.load(file, Map.of("CONDUIT_TRAINING_KEY", key))).start();
            try {
                mcp = URI.create("http://127.0.0.1:" + conduit.mcpPort() + "/mcp");
                ops = URI.create("http://127.0.0.1:" + conduit.opsPort() + "/observe");
                awaitEngines(conduit);
                exercise();
            } finally {
                conduit.stop();
            }
        } finally {
            Files.deleteIfExists(file);
        }
        LOGGER.log(System.Logger.Level.INFO, "training done");
        return 0;
    }

    private static void awaitEngines(Conduit conduit) throws InterruptedException {
        long deadline = System.nanoTime() + ENGINES_READY.toNanos();
        // Warm, not only running programs: the cache is to hold what the warm-up loads too.
        while (!conduit.engineAvailability().values().stream()
                .allMatch(state -> state.available() && !state.detail().contains("warming up"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("engines not ready after " + ENGINES_READY + ": "
                                                + conduit.engineAvailability());
            }
            Thread.sleep(100); // polling a state that has no event; the training is not a test
        }
    }

    /** What clients do first, in both eras; every answer must be a JSON-RPC response. */
    private void exercise() throws IOException, InterruptedException {
        String session = initialize();
        post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", null);
        post(session, request(2, "tools/list", "{}"), null);
        for (String engine : List.of("graaljs", "rhino", "deno")) {
            if (!engines.contains(engine)) {
                continue;
            }
            for (int i = 0; i < 3; i++) {
                post(session, execute(3, "execute_javascript", engine, "const rows = [];"
                        + " for (let i = 0; i < 100; i++) rows.push({id: i, name: 'row-' + i});"
                        + " console.log(rows.length); return JSON.stringify(rows).length"), null);
            }
            if (!engine.equals("rhino")) { // Rhino runs no TypeScript
                post(session, execute(4, "execute_typescript", engine, "const n: number = 2; return n * 21"), null);
            }
            post(session, execute(5, "execute_javascript", engine, "throw new Error('expected')"), null);
            post(session, execute(6, "execute_javascript", engine, "try { await tools.$raw('nothing__here', {}); }"
                    + " catch (e) { console.log(e.message); } return (await discoverMCPTools()).length"), null);
        }
        if (engines.contains("graalpy")) {
            for (int i = 0; i < 3; i++) {
                post(session, execute(7, "execute_python", "graalpy", "rows = [{'id': i} for i in range(100)]\n"
                        + "print(len(rows), len(discover_mcp_tools({})))\nlen(str(rows))"), null);
            }
            post(session, execute(8, "execute_python", "graalpy", "raise ValueError('expected')"), null);
        }
        post(session, request(9, "nonexistent/method", "{}"), null);
        post(null, request(10, "server/discover", "{\"_meta\":" + meta() + "}"), "server/discover");
        post(null, request(11, "tools/list", "{\"_meta\":" + meta() + "}"), "tools/list");
        if (engines.stream().anyMatch(List.of("graaljs", "rhino", "deno")::contains)) {
            post(null, request(12, "tools/call", "{\"name\":\"execute_javascript\",\"arguments\":{\"code\":"
                                                 + "\"return 1+1\"},\"_meta\":" + meta() + "}"), "tools/call");
        }
        send(HttpRequest.newBuilder(URI.create(ops + "/health/ready")).GET());
        send(HttpRequest.newBuilder(URI.create(ops + "/metrics")).GET());
    }

    private String initialize() throws IOException, InterruptedException {
        HttpResponse<String> response = send(base(null).POST(HttpRequest.BodyPublishers.ofString(request(1, "initialize",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"conduit-training\",\"version\":\"1\"}}"))));
        return response.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IllegalStateException("initialize answered no session: " + response.body()));
    }

    private void post(String session, String body, String method) throws IOException, InterruptedException {
        HttpRequest.Builder request = base(session).POST(HttpRequest.BodyPublishers.ofString(body));
        if (method != null) {
            request.header("MCP-Protocol-Version", MODERN).header("Mcp-Method", method);
            if (method.equals("tools/call")) {
                request.header("Mcp-Name", "execute_javascript");
            }
        }
        HttpResponse<String> response = send(request);
        if (!response.body().contains("\"jsonrpc\"") && response.statusCode() != 202) {
            throw new IllegalStateException("unexpected answer " + response.statusCode() + ": " + response.body());
        }
    }

    private HttpRequest.Builder base(String session) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(mcp).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream");
        if (session != null) {
            builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    private static String execute(int id, String tool, String engine, String code) {
        return request(id, "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{\"engine\":\"" + engine
                                         + "\",\"code\":" + quoted(code) + "}}");
    }

    private static String meta() {
        return "{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\","
               + "\"io.modelcontextprotocol/clientCapabilities\":{},"
               + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"conduit-training\",\"version\":\"1\"}}";
    }

    private static String quoted(String text) {
        return dev.conduit.core.jsonrpc.Json.mapper().writeValueAsString(text);
    }
}
