package dev.conduit.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcMessage;

/** Server-Sent Events framing of JSON-RPC messages: one {@code message} event per message. */
final class SseFormat {
    private static final byte[] EVENT_PREFIX = "event: message\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFormat() {
    }

    /** Writes and flushes one message event. Compact JSON has no raw newline, so one {@code data:} line holds it. */
    static void writeMessage(OutputStream out, JsonRpcMessage message) throws IOException {
        out.write(EVENT_PREFIX);
        out.write(JsonRpcCodec.encode(message));
        out.write(EVENT_END);
        out.flush();
    }

    /** Writes and flushes a comment line: keeps proxies from timing out and detects a client that went away. */
    static void writeKeepAlive(OutputStream out) throws IOException {
        out.write(KEEP_ALIVE);
        out.flush();
    }
}
