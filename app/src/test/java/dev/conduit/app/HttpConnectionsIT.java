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
        assertThat(conduit.log(), containsString("outcome=cancelled"));
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
