package dev.conduit.upstream;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.RequestContext;
import dev.conduit.core.io.BoundedLineReader;
import dev.conduit.core.io.OwnSession;
import dev.conduit.core.io.PipeThreads;
import dev.conduit.core.io.PipeWriter;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.OversizedMessage;
import tools.jackson.databind.JsonNode;

/**
 * An upstream MCP server as a child process: newline-delimited JSON-RPC on its stdin and stdout, its stderr to the
 * log (rate-bounded). The child gets exactly the configured environment, nothing of Conduit's. Responses are matched
 * to requests by id, whatever their order; when the child dies every pending request fails at once. An answer over
 * max-message-bytes fails its own call only.
 * <p>
 * Its pipes are read on platform threads and written through a {@link PipeWriter} (see {@link PipeThreads} for why):
 * a child that stops reading fills the writer's bounded queue, and then the calls that do not fit fail on their own
 * while the connection stays up for every other caller.
 */
final class StdioConnection implements McpConnection {
    private static final System.Logger LOGGER = System.getLogger(StdioConnection.class.getName());
    private static final int STDERR_LINES_PER_WINDOW = 50;
    private static final long STDERR_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int STDERR_MAX_LINE = 2000;

    private final String upstreamId;
    private final Process process;
    private final PipeWriter stdin;
    private final MessageRouter router;
    private final int maxMessageBytes;

    private StdioConnection(String upstreamId, Process process, Listener listener, int maxMessageBytes) {
        this.upstreamId = upstreamId;
        this.process = process;
        // Room for two of the largest messages the upstream may exchange: one being written, one waiting.
        this.stdin = PipeWriter.start("upstream-" + upstreamId + "-stdin", process.getOutputStream(),
                                      2L * maxMessageBytes);
        this.router = new MessageRouter(upstreamId, listener, this::answer);
        this.maxMessageBytes = maxMessageBytes;
        PipeThreads.startReader("upstream-" + upstreamId + "-stdout", this::readStdout);
        PipeThreads.startReader("upstream-" + upstreamId + "-stderr", this::readStderr);
        process.onExit().thenRun(() -> failAll("upstream '" + upstreamId + "' exited with code "
                                               + process.exitValue()));
    }

    /**
     * Starts the child.
     *
     * @param pathVariable the PATH used to find a command given without a directory
     * @throws UpstreamException when the command cannot be found or started
     */
    static StdioConnection start(String upstreamId, UpstreamConfig.Stdio spec, String pathVariable,
                                 int maxMessageBytes, Listener listener) throws UpstreamException {
        Path command = resolveCommand(upstreamId, spec.command(), pathVariable);
        List<String> line = new ArrayList<>();
        line.add(command.toString());
        line.addAll(spec.args());
        ProcessBuilder builder = new ProcessBuilder(OwnSession.command(line));
        builder.environment().clear();
        builder.environment().putAll(spec.env());
        spec.cwd().ifPresent(cwd -> builder.directory(new File(cwd)));
        try {
            Process process = builder.start();
            LOGGER.log(Level.INFO, "upstream '" + upstreamId + "' started as pid " + process.pid());
            return new StdioConnection(upstreamId, process, listener, maxMessageBytes);
        } catch (IOException e) {
            throw new UpstreamException("upstream '" + upstreamId + "' could not be started: " + e.getMessage(), e);
        }
    }

    static Path resolveCommand(String upstreamId, String command, String pathVariable) throws UpstreamException {
        Path given = Path.of(command);
        if (given.isAbsolute() || command.contains(File.separator)) {
            if (Files.isExecutable(given)) {
                return given.toAbsolutePath();
            }
            throw new UpstreamException("upstream '" + upstreamId + "': command " + command + " is not executable");
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, command);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        throw new UpstreamException("upstream '" + upstreamId + "': command '" + command + "' was not found in PATH");
    }

    @Override
    public JsonRpcResponse request(String method, JsonNode params, Duration timeout, Optional<RequestContext> cause)
            throws UpstreamException {
        return router.request(method, params, timeout, cause, this::transmit);
    }

    private void transmit(JsonRpcMessage message) throws UpstreamException {
        try {
            write(message);
        } catch (PipeWriter.PipeFullException e) {
            throw new UpstreamException("upstream '" + upstreamId + "' is not reading its input fast enough ("
                                        + e.getMessage() + "); the call was not sent", e);
        } catch (IOException | UncheckedIOException e) {
            throw new UpstreamException("upstream '" + upstreamId + "' stopped accepting messages", e);
        }
    }

    @Override
    public void notify(String method, JsonNode params) {
        try {
            write(new JsonRpcNotification(method, params));
        } catch (IOException | UncheckedIOException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not send " + method, e);
        }
    }

    @Override
    public boolean alive() {
        return router.closedReason().isEmpty() && process.isAlive();
    }

    @Override
    public void close() {
        failAll("upstream '" + upstreamId + "' was shut down");
        stdin.close();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': closing stdin failed", e);
        }
        ProcessTrees.end(process.toHandle(), Duration.ofSeconds(2));
    }

    private void write(JsonRpcMessage message) throws IOException {
        stdin.writeLine(JsonRpcCodec.encode(message));
    }

    private void readStdout() {
        BoundedLineReader reader = new BoundedLineReader(process.getInputStream(), maxMessageBytes);
        try {
            Optional<byte[]> line;
            while ((line = reader.readLine(this::passedOver)).isPresent()) {
                if (line.get().length > 0) {
                    router.dispatch(line.get(), Optional.empty());
                }
            }
            failAll("upstream '" + upstreamId + "' closed its output"); // unless an oversized line said why first
        } catch (IOException e) {
            failAll("upstream '" + upstreamId + "' connection failed: " + e.getMessage());
        }
    }

    /**
     * A message over max-message-bytes: an answer to a call waiting for it fails that call alone, a notification is
     * dropped, and the connection goes on for every other caller. Anything else (a request of the server's, or what
     * its first and last bytes do not tell) drops the connection, as does an answer over
     * {@value BoundedLineReader#READ_PAST_AT_MOST} bytes: no call is left waiting for an answer that will not come.
     *
     * @return whether the connection goes on
     */
    private boolean passedOver(BoundedLineReader reader, BoundedLineReader.LineTooLongException tooLong)
            throws IOException {
        BoundedLineReader.Skipped rest = reader.skipRest(BoundedLineReader.READ_PAST_AT_MOST);
        if (!rest.ended()) {
            LOGGER.log(Level.ERROR, "upstream '" + upstreamId + "' sent a message of more than " + rest.lineBytes()
                                    + " bytes (max-message-bytes " + maxMessageBytes + "); dropping the connection");
            return disconnected();
        }
        String size = rest.lineBytes() + " bytes, over its max-message-bytes (" + maxMessageBytes + ")";
        return switch (OversizedMessage.of(tooLong.head(), rest.tail())) {
            case OversizedMessage.Response(JsonRpcId id) when router.fail(id, "upstream '" + upstreamId
                    + "' answered with " + size + "; the answer was dropped (the upstream's max-message-bytes "
                    + "setting raises the limit)") -> {
                LOGGER.log(Level.WARNING, "upstream '" + upstreamId + "' answered request " + id + " with " + size
                                          + "; that call failed, the connection goes on");
                yield true;
            }
            case OversizedMessage.Notification(String method) -> {
                LOGGER.log(Level.WARNING, "upstream '" + upstreamId + "' sent " + method + " of " + size
                                          + "; dropped");
                yield true;
            }
            default -> {
                LOGGER.log(Level.ERROR, "upstream '" + upstreamId + "' sent a message of " + size
                                        + " that answers no waiting call; dropping the connection");
                yield disconnected();
            }
        };
    }

    /** Ends the connection for an oversized message; false, for the reader to stop. */
    private boolean disconnected() {
        failAll("upstream '" + upstreamId + "' sent a message larger than its max-message-bytes (" + maxMessageBytes
                + ") and was disconnected");
        ProcessTrees.end(process.toHandle(), Duration.ofSeconds(2));
        return false;
    }

    private void answer(JsonRpcResponse answer) {
        try {
            write(answer);
        } catch (IOException | UncheckedIOException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not answer a request of the server", e);
        }
    }

    private void readStderr() {
        long windowStart = System.nanoTime();
        int lines = 0;
        int dropped = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                                                                                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                long now = System.nanoTime();
                if (now - windowStart > STDERR_WINDOW_NANOS) {
                    if (dropped > 0) {
                        LOGGER.log(Level.WARNING, "upstream '" + upstreamId + "': " + dropped + " stderr lines dropped");
                    }
                    windowStart = now;
                    lines = 0;
                    dropped = 0;
                }
                if (++lines > STDERR_LINES_PER_WINDOW) {
                    dropped++;
                    continue;
                }
                String shown = line.length() > STDERR_MAX_LINE ? line.substring(0, STDERR_MAX_LINE) + "..." : line;
                LOGGER.log(Level.INFO, "upstream '" + upstreamId + "' stderr: " + shown);
            }
        } catch (IOException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': stderr ended", e);
        }
    }

    private void failAll(String reason) {
        router.failAll(reason);
    }
}
