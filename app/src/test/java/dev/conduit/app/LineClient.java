package dev.conduit.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.JsonNode;

/** The original's line-protocol client, reduced to what a test needs: one JSON object per line each way. */
record LineClient(SocketChannel channel, OutputStream out, BufferedReader in) implements AutoCloseable {
    /** Connects to the Unix socket at {@code socket}. */
    static LineClient open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        return new LineClient(channel, Channels.newOutputStream(channel),
                          new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                                                                   StandardCharsets.UTF_8)));
    }

    JsonNode call(int id, String method, String params, String token) throws IOException {
        send(id, method, params, token);
        return read();
    }

    void send(int id, String method, String params, String token) throws IOException {
        String auth = token == null ? "" : ",\"auth\":{\"bearerToken\":\"" + token + "\"}";
        raw("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + auth + "}");
    }

    void raw(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next response; server notifications in between (tools/list_changed) are skipped. */
    JsonNode read() throws IOException {
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new AssertionError("the server closed the connection");
            }
            JsonNode message = Json.mapper().readTree(line);
            if (message.has("id")) {
                return message;
            }
        }
    }

    /**
     * Whether the server ends the connection (end of stream or reset) rather than answer an oversized line (an error
     * with id null may come first).
     */
    boolean sendsOversizedLineAndIsCutOff(int size) {
        try {
            raw("{\"method\":\"" + "x".repeat(size) + "\"}");
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return true;
                }
                JsonNode message = Json.mapper().readTree(line);
                if (message.has("id") && !message.get("id").isNull()) {
                    return false; // an answer to a request: the line was taken for one
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
