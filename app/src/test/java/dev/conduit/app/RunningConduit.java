package dev.conduit.app;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real distribution ({@code target/conduit/bin/conduit}, module path) started as a child process on free ports.
 * Waits for its ready line with a deadline, keeps its log, and is stopped with SIGTERM.
 */
final class RunningConduit implements AutoCloseable {
    static final Path DIST = Path.of(System.getProperty("conduit.dist", "target/conduit"));
    static final Path INTEROP = Path.of(System.getProperty("conduit.interop", "../interop"));
    static final Path NODE = INTEROP.resolve("node_modules/node/bin/node");
    static final String API_KEY = "it-secret-0123456789abcdef";
    /** A second key, allowed only {@code everything.echo} and the files upstream. */
    static final String LIMITED_KEY = "it-limited-0123456789abcdef";

    private static final HttpClient METRICS_CLIENT = HttpClient.newHttpClient();
    private static final Pattern READY = Pattern.compile(
            "ready: MCP at http://[^ ]+:(\\d+)/mcp .*ops at http://[^ ]+:(\\d+)/observe");

    /** Where every server's log is kept too, one file per server, named by the test class that started it. */
    private static final Path LOGS = Path.of("target/it-logs");

    private final Process process;
    private final Path logFile;
    private final List<String> log = new ArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile int mcpPort;
    private volatile int opsPort;

    private RunningConduit(Process process) {
        this.process = process;
        // A failure's message shows the log until then; the file keeps all of it, and passing runs' too.
        String starter = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(name -> name.endsWith("IT")).findFirst().orElse("conduit"));
        this.logFile = LOGS.resolve(starter.substring(starter.lastIndexOf('.') + 1) + "-" + process.pid() + ".log");
        // A pipe read: on a platform thread, or it holds a carrier of this JVM too (see PipeThreads).
        Thread.ofPlatform().daemon(true).name("conduit-it-log").start(this::readLog);
    }

    /** Starts the distribution on {@code yaml} (written to a temporary file) and waits until it is ready. */
    static RunningConduit start(Path dir, String yaml) throws Exception {
        return start(dir, Map.of(), yaml);
    }

    /** The same, with {@code env} added to the server's environment. */
    static RunningConduit start(Path dir, Map<String, String> env, String yaml) throws Exception {
        return awaitReady(launch(dir, env, List.of(), yaml));
    }

    /** Starts another installation of the distribution ({@code dist}, a copy) on {@code yaml} and waits until ready. */
    static RunningConduit startFrom(Path dist, Path dir, String yaml) throws Exception {
        return awaitReady(launch(dist, dir, Map.of(), List.of(), yaml));
    }

    /**
     * Starts the distribution as the leader of a process group of its own, as a shell starts a command in a terminal
     * (through {@code setsid}), and waits until it is ready: {@link #interruptGroup} is then Ctrl-C.
     */
    static RunningConduit startAsGroupLeader(Path dir, String yaml) throws Exception {
        return awaitReady(launch(dir, Map.of(), List.of("setsid"), yaml));
    }

    /** Sends SIGINT to the server's whole process group, as Ctrl-C in a terminal does. */
    void interruptGroup() throws IOException, InterruptedException {
        // Java signals single processes only (and never with SIGINT): kill(1) signals the group.
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + process.pid()).redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -INT -" + process.pid() + " failed: " + said);
        }
    }

    private static RunningConduit awaitReady(RunningConduit conduit) throws Exception {
        Duration patience = patient(Duration.ofSeconds(60));
        // Ready, or ended (a start-up failure): a process that exited is not waited for until the deadline.
        long deadline = System.nanoTime() + patience.toNanos();
        boolean ready = false;
        while (!ready && conduit.process.isAlive() && System.nanoTime() < deadline) {
            ready = conduit.ready.await(100, TimeUnit.MILLISECONDS);
        }
        ready = ready || conduit.ready.getCount() == 0;
        if (!ready) {
            conduit.process.destroyForcibly();
            throw new AssertionError("Conduit did not become ready within " + patience + " (or exited):\n"
                                     + conduit.log());
        }
        return conduit;
    }

    /** A condition polled by {@link #pollUntil}. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    /**
     * Polls {@code condition} every 20 ms until it holds or {@code timeout} (scaled by {@link #patient}) has passed:
     * the one place the ITs wait by polling, for states that announce themselves nowhere but in the metrics.
     *
     * @return whether it held in time
     */
    static boolean pollUntil(Duration timeout, Check condition) throws Exception {
        long deadline = System.nanoTime() + patient(timeout).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(Duration.ofMillis(20)); // the polling interval, inside a deadline
        }
        return true;
    }

    /** The sum of every sample of the metric {@code name} (for example {@code conduit_executions_running}) now. */
    double metric(String name) throws Exception {
        String metrics = METRICS_CLIENT.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + opsPort + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
        double sum = 0;
        while (sample.find()) {
            sum += Double.parseDouble(sample.group(1));
        }
        return sum;
    }

    /**
     * How long to wait for something that takes {@code idle} on an idle machine: multiplied by the system property
     * {@code conduit.test.patience} (default 3), because a busy 2-core machine is several times slower. Waits are
     * deadlines, not sleeps: a passing test never waits them out.
     */
    static Duration patient(Duration idle) {
        double factor = Double.parseDouble(System.getProperty("conduit.test.patience", "3"));
        return Duration.ofMillis((long) (idle.toMillis() * factor));
    }

    /** Starts the distribution without waiting for readiness (for start-up failures). */
    static RunningConduit launch(Path dir, String yaml) throws IOException {
        return launch(dir, Map.of(), List.of(), yaml);
    }

    private static RunningConduit launch(Path dir, Map<String, String> extraEnv, List<String> prefix, String yaml)
            throws IOException {
        return launch(DIST, dir, extraEnv, prefix, yaml);
    }

    private static RunningConduit launch(Path dist, Path dir, Map<String, String> extraEnv, List<String> prefix,
                                         String yaml) throws IOException {
        Path config = Files.createTempFile(dir, "conduit", ".yaml");
        Files.writeString(config, yaml);
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(dist.resolve("bin/conduit").toString(), "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CONDUIT_API_KEY", API_KEY);
        env.put("CONDUIT_LIMITED_KEY", LIMITED_KEY);
        env.putAll(extraEnv);
        return new RunningConduit(builder.start());
    }

    /** The pinned server-everything, run by the pinned Node. */
    static final Path EVERYTHING = INTEROP.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
            .toAbsolutePath();

    /** {@link #config} with auth on and server-everything over stdio as the upstream {@code everything}. */
    static String configWithEverything() {
        return config(true) + """
                upstreams:
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                """.formatted(NODE.toAbsolutePath(), EVERYTHING);
    }

    /** The {@code server:} section of a test's configuration: the MCP and ops listeners on free loopback ports. */
    static String serverConfig() {
        return """
                server:
                  host: 127.0.0.1
                  port: 0
                  shutdown-grace: 5s
                  sockets:
                    - name: ops
                      host: 127.0.0.1
                      port: 0
                """;
    }

    /** A configuration on free loopback ports. */
    static String config(boolean auth) {
        return serverConfig() + """
                auth:
                  enabled: %s
                  api-keys:
                    - id: it
                      secret: ${CONDUIT_API_KEY}
                    - id: limited
                      secret: ${CONDUIT_LIMITED_KEY}
                      tools: [everything.echo, "files.*"]
                """.formatted(auth);
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    String mcpUrl() {
        return "http://localhost:" + mcpPort + "/mcp";
    }

    /**
     * Waits until the server has at most {@code count} Deno processes, woken by each exit; false if it still has more
     * after {@code timeout}.
     */
    boolean awaitDenoProcessesAtMost(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + patient(timeout).toNanos();
        while (true) {
            List<ProcessHandle> deno = process.toHandle().descendants()
                    .filter(child -> child.info().command().map(command -> command.endsWith("/deno")).orElse(false))
                    .toList();
            long left = deadline - System.nanoTime();
            if (deno.size() <= count) {
                return true;
            }
            if (left <= 0) {
                return false;
            }
            try {
                CompletableFuture.anyOf(deno.stream().map(ProcessHandle::onExit)
                                .toArray(CompletableFuture[]::new))
                        .get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // Counted again above; the deadline decides.
            }
        }
    }

    int mcpPort() {
        return mcpPort;
    }

    int opsPort() {
        return opsPort;
    }

    /** Waits for the process to end by itself; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(patient(timeout).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Conduit did not exit within " + patient(timeout) + ":\n" + log());
        }
        ended.await(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        // Process.destroy() would also close our end of the child's output and lose its shutdown log.
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    /** Waits until {@code engine} runs programs (it warms up after the server is ready), or fails the test. */
    void awaitRunning(String engine) throws InterruptedException {
        if (!awaitLog(engine + " runs programs", Duration.ofSeconds(120))) {
            throw new AssertionError(engine + " did not start:\n" + log());
        }
    }

    /** Waits until a log line contains {@code text}; false when none did within {@code timeout}. */
    boolean awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + patient(timeout).toNanos();
        synchronized (log) {
            while (log.stream().noneMatch(line -> line.contains(text))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                log.wait(left);
            }
            return true;
        }
    }

    /** The server's process id (bin/conduit execs the JVM, so it is the one launched). */
    long pid() {
        return process.pid();
    }

    String log() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                terminate(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readLog() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                                StandardCharsets.UTF_8));
             BufferedWriter file = Files.newBufferedWriter(Files.createDirectories(LOGS).resolve(logFile.getFileName()))) {
            String line;
            while ((line = reader.readLine()) != null) {
                file.write(line);
                file.newLine();
                file.flush();
                synchronized (log) {
                    log.add(line);
                    log.notifyAll();
                }
                Matcher matcher = READY.matcher(line);
                if (matcher.find()) {
                    mcpPort = Integer.parseInt(matcher.group(1));
                    opsPort = Integer.parseInt(matcher.group(2));
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            synchronized (log) {
                log.add("(log reader ended: " + e.getMessage() + ")");
            }
        } finally {
            ended.countDown();
        }
    }

    /** Runs {@code command} in the interop folder with a deadline; returns exit code and combined output. */
    static Result run(Duration timeout, String... command) throws Exception {
        return run(new ProcessBuilder(command).directory(INTEROP.toFile()).redirectErrorStream(true), timeout);
    }

    /** Runs {@code builder}'s command to its end, as {@link #run(Duration, String...)} does. */
    static Result run(ProcessBuilder builder, Duration timeout) throws Exception {
        List<String> command = builder.command();
        Process child = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                output.append(new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output lost: ").append(e.getMessage()).append(')');
            }
        });
        if (!child.waitFor(patient(timeout).toMillis(), TimeUnit.MILLISECONDS)) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            reader.join(Duration.ofSeconds(5));
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n" + output);
        }
        reader.join(Duration.ofSeconds(10));
        return new Result(child.exitValue(), output.toString());
    }

    /** What a child process did. */
    record Result(int exitCode, String output) {
    }
}
