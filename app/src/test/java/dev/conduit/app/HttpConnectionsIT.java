package dev.conduit.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The listeners bound what a client can hold: a body that never arrives, connections left idle, a client that goes
 * away mid-body (an ordinary event: one line in the log, no stack trace).
 */
class HttpConnectionsIT {
    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        String config = RunningConduit.config(true).replace("  shutdown-grace: 5s\n", """
                  shutdown-grace: 5s
                  idle-connection-timeout: PT6S
                  header-timeout: 1s
                """) + """
                transports:
                  http:
                    body-timeout: 1s
                    keep-alive-interval: 1s
                """;
        conduit = RunningConduit.start(dir, config);
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void aBodyThatNeverArrivesEndsTheConnection() throws Exception {
        try (Socket socket = connect(conduit.mcpPort())) {
            send(socket, postHeaders(100));
            assertThat(readUntilClosed(socket), is(true));
        }
        assertThat(conduit.log(), conduit.awaitLog("did not arrive within 1000 ms", Duration.ofSeconds(10)), is(true));
    }

    @Test
    void headersSentAByteAtATimeEndTheConnectionOnBothListeners() throws Exception {
        for (int port : new int[] {conduit.mcpPort(), conduit.opsPort()}) {
            try (Socket socket = connect(port)) {
                send(socket, "GET /mcp HTTP/1.1\r\n");
                // 20 s of headers at this pace, each byte well inside the read timeout: only the 1 s deadline cuts it.
                int sent = trickle(socket, "Host: 127.0.0.1\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n");
                assertThat("port " + port + " took every byte", sent, is(-1));
            }
        }
        assertThat(conduit.log(), conduit.awaitLog("did not arrive within 1000 ms of the request line",
                                                   Duration.ofSeconds(10)), is(true));
    }

    @Test
    void aRequestLineSentAByteAtATimeEndsTheConnection() throws Exception {
        try (Socket socket = connect(conduit.mcpPort())) {
            // 30 s of request line at this pace: the 6 s idle timeout ends it.
            int sent = trickle(socket, "GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat("the server took every byte", sent, is(-1));
        }
    }

    @Test
    void connectionCloseIsHonoredOnBothListeners() throws Exception {
        for (int port : new int[] {conduit.mcpPort(), conduit.opsPort()}) {
            try (Socket socket = connect(port)) {
                // Well inside the 6 s idle timeout: only honoring Connection: close ends the connection this soon.
                socket.setSoTimeout(3_000);
                send(socket, "GET " + (port == conduit.opsPort() ? "/observe/health" : "/mcp")
                             + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertThat("port " + port, readUntilClosed(socket), is(true));
            }
        }
        assertThat(conduit.log(), not(containsString("Internal server error")));
    }

    @Test
    void idleConnectionsAreClosedOnBothListeners() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                idle.add(connect(i % 2 == 0 ? conduit.mcpPort() : conduit.opsPort()));
            }
            for (Socket socket : idle) {
                assertThat(readUntilClosed(socket), is(true));
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void aClientThatGoesAwayMidBodyIsLoggedInOneLine() throws Exception {
        try (Socket socket = connect(conduit.mcpPort())) {
            send(socket, postHeaders(1000) + "{\"jsonrpc\":");
        }
        assertThat(conduit.log(), conduit.awaitLog("client gone: it closed the connection mid-request",
                                                   Duration.ofSeconds(10)), is(true));
        assertThat(conduit.log(), not(containsString("SEVERE")));
        assertThat(conduit.log(), not(containsString("InsufficientDataAvailableException")));
    }

    @Test
    void anExecutionWhoseClientWentAwayIsCancelled() throws Exception {
        String session = new McpHttpClient(conduit, RunningConduit.API_KEY).session();
        ObjectNode limits = Json.object();
        limits.putObject("limits").put("timeoutMs", 60_000).put("cpuTimeMs", 60_000);
        String body = McpHttpClient.executeRequest(5, "javascript", "for (;;) {}", limits);
        try (Socket socket = connect(conduit.mcpPort())) {
            send(socket, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         + "Accept: application/json, text/event-stream\r\nAuthorization: Bearer "
                         + RunningConduit.API_KEY + "\r\nMcp-Session-Id: " + session + "\r\nContent-Length: "
                         + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
            // The first heartbeat turns the answer into an SSE stream: the program is running, the client is there.
            String head = readUntil(socket, ": keep-alive");
            assertThat(head, containsString("text/event-stream"));
        }
        // Without the cancellation the program would spin for its 60 s limit.
        assertThat(conduit.log(), conduit.awaitLog("client gone while its request ran", Duration.ofSeconds(10)),
                   is(true));
        assertThat(RunningConduit.pollUntil(Duration.ofSeconds(10),
                                            () -> conduit.metric("conduit_executions_running") == 0), is(true));
        // Awaited, not read at once: the metric can reach 0 before the log reader has the execution's event line.
        assertThat(conduit.log(), conduit.awaitLog("outcome=cancelled", Duration.ofSeconds(10)), is(true));
    }

    /** Reads until {@code marker} has arrived; everything read so far. */
    private static String readUntil(Socket socket, String marker) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (!seen.toString().contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("closed before " + marker + ": " + seen);
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
        }
        return seen.toString();
    }

    private static String postHeaders(int contentLength) {
        return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               + "Accept: application/json, text/event-stream\r\nAuthorization: Bearer " + RunningConduit.API_KEY
               + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) RunningConduit.patient(Duration.ofSeconds(10)).toMillis());
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * Sends {@code text} a byte every 100 ms, as a slow client does, until the server ends the connection; -1 when it
     * did (a write after the close fails), else the bytes sent (all of them).
     */
    private static int trickle(Socket socket, String text) throws IOException, InterruptedException {
        OutputStream out = socket.getOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        for (byte b : bytes) {
            try {
                out.write(b);
                out.flush();
            } catch (IOException e) {
                return -1;
            }
            Thread.sleep(100); // the client's pace, not a wait for the server
        }
        return bytes.length;
    }

    /** Reads and drops whatever the server sends; true when it closes the connection before the socket's timeout. */
    private static boolean readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // An answer (for example 408) may come before the close; only the close matters.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server: closed too
        }
    }
}
