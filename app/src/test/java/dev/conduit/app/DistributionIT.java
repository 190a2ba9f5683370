package dev.conduit.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Boots the real distribution on the module path and drives it with the official MCP TypeScript SDK client,
 * plain HTTP for the ops socket, promtool for the metrics format, and SIGTERM for shutdown.
 */
class DistributionIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        conduit = RunningConduit.start(dir, RunningConduit.config(true));
        // Readiness includes a warm engine; the listeners come up before the engines have warmed.
        assertThat(conduit.log(), conduit.awaitLog("graaljs ready", Duration.ofSeconds(120)), is(true));
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    /**
     * The start as the build leaves it: the start-up cache recorded and used (a cache the JVM refuses says so on
     * stderr), the engines warming only once the server listens, and each engine saying when it runs programs.
     */
    @Test
    void startsWithItsCacheAndWarmsTheEnginesOnceItListens() throws Exception {
        assumeTrue(!Boolean.getBoolean("conduit.aot.skip"), "the build was told to skip the start-up cache");
        Path cache = RunningConduit.DIST.resolve("aot/conduit.aot");
        assertThat(cache + " is recorded by the build", Files.size(cache) > 0, is(true));
        assertThat(Files.readString(RunningConduit.DIST.resolve("aot/conduit.aot.stamp")),
                   containsString(RunningConduit.DIST.toAbsolutePath().normalize().toString()));
        for (String engine : List.of("graaljs", "graalpy", "deno", "rhino")) {
            assertThat(conduit.log(), conduit.awaitLog(engine + " runs programs", Duration.ofSeconds(120)), is(true));
        }
        List<String> arguments = jvmArguments();
        assertThat(arguments, hasItems("-XX:AOTCache=" + cache.toAbsolutePath().normalize()));
        String log = conduit.log();
        assertThat(log, log.contains("[aot"), is(false));
        assertThat(log, log.contains("not using the start-up cache"), is(false));
        int listening = log.indexOf("ready: MCP at");
        for (String engine : List.of("graaljs", "graalpy", "deno", "rhino")) {
            assertThat(log, log.indexOf(engine + " runs programs"), greaterThan(listening));
        }
    }

    /**
     * A copied or moved installation (another folder, jars with other times) starts without the cache, and says so
     * with the command that records it anew, rather than starting at half speed with nothing to tell why.
     */
    @Test
    void aCacheRecordedForAnotherInstallationIsNamedNotUsedSilently() throws Exception {
        Path moved = dir.resolve("moved");
        Files.createDirectories(moved.resolve("bin"));
        Files.createDirectories(moved.resolve("aot"));
        Files.copy(RunningConduit.DIST.resolve("bin/conduit"), moved.resolve("bin/conduit"));
        Files.createSymbolicLink(moved.resolve("lib"), RunningConduit.DIST.resolve("lib").toAbsolutePath());
        Files.writeString(moved.resolve("aot/conduit.aot"), "a cache recorded elsewhere");
        Files.writeString(moved.resolve("aot/conduit.aot.stamp"), "/elsewhere/bin/java|25|/elsewhere|1");
        ProcessBuilder launch = new ProcessBuilder(moved.resolve("bin/conduit").toString(), "--version")
                .redirectErrorStream(true);
        launch.environment().put("JAVA_OPTS", "-Xmx64m"); // the heap is not worked out for --version
        Process version = launch.start();
        String output = new String(version.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(output, version.waitFor(), is(0));
        assertThat(output, containsString("not using the start-up cache " + moved.resolve("aot/conduit.aot")));
        assertThat(output, containsString(moved + "/bin/conduit --train' records it anew"));
        assertThat(output, containsString("conduit "));
    }

    /**
     * A configuration that enables fewer engines than the build's cache holds is told how to record a cache of its
     * own (the JVM loads every class a cache holds: the memory of engines it does not run); {@code --train --config}
     * records it under the engines' name, and the next start uses it. A jar whose blocks the file system allocated
     * after the recording (the directory's block count changed; name, size and time did not) does not void it.
     */
    @Test
    void aConfigurationWithFewerEnginesGetsACacheOfItsOwn() throws Exception {
        assumeTrue(!Boolean.getBoolean("conduit.aot.skip"), "the build was told to skip the start-up cache");
        String rhinoOnly = RunningConduit.serverConfig() + """
                auth:
                  enabled: false
                executors:
                  enabled: [rhino]
                """;
        try (RunningConduit told = RunningConduit.start(dir, rhinoOnly)) {
            assertThat(arguments(told), hasItems("-XX:AOTCache=" + RunningConduit.DIST.resolve("aot/conduit.aot")
                    .toAbsolutePath().normalize()));
            assertThat(told.log(), containsString("bin/conduit --train --config "));
            assertThat(told.log(), containsString("records one for its engines (conduit-rhino)"));
        }

        Path copy = dir.resolve("installed");
        for (String folder : List.of("bin", "config", "lib")) {
            Files.createDirectories(copy.resolve(folder));
            try (var files = Files.list(RunningConduit.DIST.resolve(folder))) {
                for (Path file : files.toList()) {
                    Files.copy(file, copy.resolve(folder).resolve(file.getFileName()),
                               java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Path config = dir.resolve("rhino-only.yaml");
        Files.writeString(config, rhinoOnly);
        ProcessBuilder train = new ProcessBuilder(copy.resolve("bin/conduit").toString(), "--train", "--config",
                                                  config.toString()).redirectErrorStream(true);
        train.environment().put("JAVA_HOME", System.getProperty("java.home"));
        RunningConduit.Result trained = RunningConduit.run(train, Duration.ofSeconds(180));
        assertThat(trained.output(), trained.exitCode(), is(0));
        Path cache = copy.resolve("aot/conduit-rhino.aot");
        assertThat(trained.output(), containsString("recorded the start-up cache " + cache));
        assertThat(Files.size(cache) > 0 && Files.exists(copy.resolve("aot/conduit-rhino.aot.stamp")), is(true));
        assertThat(Files.exists(copy.resolve("aot/conduit.aot")), is(false));

        allocateBeyondItsEnd(copy.resolve("lib").resolve(List.of(copy.resolve("lib").toFile().list()).getFirst()));
        try (RunningConduit own = RunningConduit.startFrom(copy, dir, rhinoOnly)) {
            assertThat(arguments(own), hasItems("-XX:AOTCache=" + cache.toAbsolutePath().normalize()));
            // Mapped: the JVM took it (one it refuses is named on stderr, which the log holds).
            assertThat(Files.readString(Path.of("/proc", Long.toString(own.pid()), "maps")),
                       containsString(cache.getFileName().toString()));
            assertThat(own.log(), not(containsString("start-up cache")));
            assertThat(own.log(), not(containsString("[aot")));
        }
    }

    /** Gives {@code file} a megabyte of blocks past its end, its size and time as they were, where fallocate can. */
    private static void allocateBeyondItsEnd(Path file) throws Exception {
        var time = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        Process fallocate = new ProcessBuilder("fallocate", "--keep-size", "--offset", Long.toString(size),
                                               "--length", "1MiB", file.toString()).redirectErrorStream(true).start();
        String said = new String(fallocate.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (fallocate.waitFor() != 0) {
            // The start below is still checked; only the block count stays as it was.
            System.err.println("fallocate cannot allocate here, the jar's blocks left as they are: " + said);
            return;
        }
        Files.setLastModifiedTime(file, time);
        assertThat(Files.size(file), is(size));
    }

    @Test
    void sdkClientInitializesListsCallsAndDeletes() throws Exception {
        RunningConduit.Result result = RunningConduit.run(Duration.ofSeconds(60), RunningConduit.NODE.toString(),
                "sdk-client.mjs", conduit.mcpUrl(), RunningConduit.API_KEY);
        assertThat(result.output(), result.exitCode(), is(0));
        String json = result.output().lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        JsonNode seen = Json.mapper().readTree(json);
        assertThat(seen.get("protocolVersion").asString(), is("2025-11-25"));
        assertThat(seen.at("/serverVersion/name").asString(), is("conduit"));
        assertThat(seen.get("sessionId").asString().length(), is(43));
        assertThat(seen.get("tools").isArray(), is(true));
        assertThat(seen.get("ping").isObject(), is(true));
        assertThat(seen.at("/unknownTool/code").asInt(), is(-32602));
        assertThat(seen.at("/unknownTool/message").asString(), containsString("Unknown tool: no_such_tool"));
        assertThat(seen.get("sessionIdAfterDelete").isNull(), is(true));
        assertThat(seen.at("/afterDelete/status").asInt(), is(404));
        assertThat(seen.at("/afterDelete/body/error/code").asInt(), is(-32000));
    }

    /**
     * {@code bin/conduit} with no configuration named reads the distribution's copy of config/conduit.yaml: the demo
     * upstream's script and folder it names exist (relative, as in the repository's, they resolved inside the
     * distribution and the upstream failed at every start).
     */
    @Test
    void theDistributionsConfigurationNamesFilesThatExist() throws Exception {
        Path config = RunningConduit.DIST.resolve("config/conduit.yaml");
        String args = Files.readString(config).lines().filter(line -> line.strip().startsWith("args:")).findFirst()
                .orElseThrow();
        List<String> paths = List.of(args.substring(args.indexOf('[') + 1, args.lastIndexOf(']')).split(","));
        assertThat(args, paths.size(), is(2));
        for (String path : paths) {
            // As the server reads them: against the configuration file's folder.
            Path resolved = config.toAbsolutePath().getParent().resolve(path.strip()).normalize();
            assertThat(resolved.toString(), Files.exists(resolved), is(true));
        }
    }

    /**
     * bin/conduit sizes the heap for the configuration (8 programs running guest code at once on this machine's 2
     * cores, each at the default 256 MB limit, plus half of that for the server), and the server keeps programs
     * within what it set aside. 256 guest threads let that many programs wait on tool calls.
     */
    @Test
    void theHeapIsSizedForTheConfiguration() {
        int running = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        long programs = running * 256L;
        long heap = programs + Math.max(512, programs / 2);
        assertThat(conduit.log(), containsString("(JVM heap " + heap + " MB"));
        assertThat(conduit.log(), containsString("for 256 guest threads, " + running + " running guest code at once"));
    }

    /**
     * What the programs no longer hold goes back to the system: the heap keeps at most 30 % free, an idle server
     * collects every 5 s, and the native heap is trimmed as often (docs/code-mode.md, "Memory goes back").
     */
    @Test
    void memoryTheProgramsNoLongerHoldGoesBack() {
        List<String> arguments = jvmArguments();
        assertThat(arguments, hasItems("-XX:MaxHeapFreeRatio=30", "-XX:G1PeriodicGCInterval=5000",
                                       "-XX:TrimNativeHeapInterval=5000"));
    }

    /** The server JVM's command line after the executable (bin/conduit execs the JVM, so its pid is the launch's). */
    private static List<String> jvmArguments() {
        return arguments(conduit);
    }

    private static List<String> arguments(RunningConduit server) {
        return List.of(ProcessHandle.of(server.pid()).orElseThrow().info().arguments().orElseThrow());
    }

    @Test
    void requestWithoutKeyIs401() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(conduit.mcpUrl()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode(), is(401));
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow(), startsWith("Bearer"));
    }

    @Test
    void opsSocketServesHealthAndMetricsAndNothingElse() throws Exception {
        HttpResponse<String> health = get(conduit.opsPort(), "/observe/health");
        assertThat(health.statusCode(), is(200));
        JsonNode status = Json.mapper().readTree(health.body());
        assertThat(status.get("status").asString(), is("UP"));
        // Every engine the build installs is there and found, Deno through the distribution's deno/deno.
        String engines = status.toString();
        assertThat(engines, containsString("\"rhino\":\"available: Rhino"));
        assertThat(engines, containsString("\"deno\":\"available: deno 2."));
        assertThat(engines, containsString("\"graaljs\":\"available: "));
        assertThat(get(conduit.opsPort(), "/observe/health/live").statusCode(), is(200));
        assertThat(get(conduit.opsPort(), "/observe/health/ready").statusCode(), is(200));
        HttpResponse<String> metrics = get(conduit.opsPort(), "/observe/metrics");
        assertThat(metrics.statusCode(), is(200));
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow(), startsWith("text/plain"));
        assertThat(metrics.body(), containsString("# TYPE"));
        // Requests were served on both sockets by now; every meter is the gateway's (conduit_) or the JVM's.
        List<String> foreign = metrics.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .filter(line -> !line.matches("(conduit|jvm|process)_.*")).toList();
        assertThat(foreign.toString(), foreign.isEmpty(), is(true));

        assertThat(get(conduit.opsPort(), "/mcp").statusCode(), is(404));
        assertThat(get(conduit.mcpPort(), "/observe/health").statusCode(), is(404));
        assertThat(get(conduit.mcpPort(), "/observe/metrics").statusCode(), is(404));
    }

    @Test
    void metricsPassPromtool() throws Exception {
        boolean ci = System.getenv("CI") != null;
        boolean present = Files.isExecutable(Path.of("/usr/bin/promtool"))
                          || RunningConduit.run(Duration.ofSeconds(10), "sh", "-c", "command -v promtool").exitCode() == 0;
        assumeTrue(present || ci, "promtool is not installed (Debian package prometheus); .ci/run installs it");
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, get(conduit.opsPort(), "/observe/metrics").body());
        RunningConduit.Result check = RunningConduit.run(Duration.ofSeconds(30), "sh", "-c",
                                                          "promtool check metrics < '" + file + "'");
        assertThat(check.output(), check.exitCode(), is(0));
    }

    @Test
    void sigtermStopsGracefully() throws Exception {
        try (RunningConduit second = RunningConduit.start(dir, RunningConduit.config(true))) {
            int exit = second.terminate(Duration.ofSeconds(30));
            assertThat(second.log(), exit, is(143));
            assertThat(second.log(), containsString("Shutting down"));
            assertThat(second.log(), containsString("Stopped in"));
        }
    }

    @Test
    void aPortInUseStopsTheStartWithoutAReadyLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            RunningConduit second = RunningConduit.launch(dir, RunningConduit.config(true)
                    .replace("  port: 0\n  shutdown-grace", "  port: " + taken.getLocalPort() + "\n  shutdown-grace"));
            int exit = second.awaitExit(Duration.ofSeconds(60));
            assertThat(second.log(), exit, is(1));
            assertThat(second.log(), containsString("cannot start"));
            assertThat(second.log(), org.hamcrest.Matchers.not(containsString("ready: MCP at")));
        }
    }

    @Test
    void badConfigurationExitsWith2AndNamesTheKey() throws Exception {
        RunningConduit broken = RunningConduit.launch(dir, "server:\n  port: 99999\n");
        int exit = broken.awaitExit(Duration.ofSeconds(30));
        assertThat(broken.log(), exit, is(2));
        assertThat(broken.log(), containsString("server.port: must be between 0 and 65535, not 99999"));
    }

    /**
     * A key whose secret variable is not set is refused once, by the JVM that sizes the heap (no second start), with
     * the line that fixes it and before any engine or upstream starts.
     */
    @Test
    void anUnsetKeyVariableIsRefusedAtOnceWithTheExportLine() throws Exception {
        RunningConduit broken = RunningConduit.launch(dir, """
                auth:
                  api-keys:
                    - id: mine
                      secret: ${CONDUIT_UNSET_KEY}
                """);
        int exit = broken.awaitExit(Duration.ofSeconds(30));
        assertThat(broken.log(), exit, is(2));
        assertThat(broken.log(), containsString("auth.api-keys.0.secret: refers to the environment variable "
                                                + "CONDUIT_UNSET_KEY, which is not set; set it to a random secret of "
                                                + "16 characters or more, for example: export "
                                                + "CONDUIT_UNSET_KEY=$(openssl rand -hex 32)"));
        assertThat(broken.log(), broken.log().split("configuration error", -1).length, is(2));
        assertThat(broken.log(), not(containsString("engine rhino enabled")));
    }

    @Test
    void authOffOnPublicAddressIsRefused() throws Exception {
        RunningConduit broken = RunningConduit.launch(dir, "server:\n  host: 0.0.0.0\nauth:\n  enabled: false\n");
        int exit = broken.awaitExit(Duration.ofSeconds(30));
        assertThat(broken.log(), exit, is(2));
        assertThat(broken.log(), containsString("auth.enabled: may be false only while every listener is bound"));
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
