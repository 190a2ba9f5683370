package dev.conduit.policy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection to a Redis server speaking RESP2: a command is an array of bulk strings, an answer a simple string,
 * error, integer, bulk string or array. Enough for the rate limiter's script; one caller at a time (the limiter keeps
 * a pool). Blocking socket I/O, which parks a virtual thread without pinning its carrier.
 */
final class RespConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** An answer the server gave as an error ({@code -ERR ...}, {@code -NOSCRIPT ...}). */
    static final class ErrorReply extends IOException {
        private static final long serialVersionUID = 1L;

        ErrorReply(String message) {
            super(message, null);
        }
    }

    RespConnection(RateStore store) throws IOException {
        int timeout = (int) store.timeout().toMillis();
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(store.host(), store.port()), timeout);
            socket.setSoTimeout(timeout);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
            if (store.password().isPresent()) {
                command("AUTH", store.password().get());
            }
            if (store.database() != 0) {
                command("SELECT", Integer.toString(store.database()));
            }
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code args} as one command and reads its answer: String, Long, List, or null for a null bulk. */
    Object command(String... args) throws IOException {
        StringBuilder request = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    private Object reply() throws IOException {
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new ErrorReply(line);
            case ':' -> Long.parseLong(line);
            case '$' -> bulk(Integer.parseInt(line));
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(reply());
                }
                yield items;
            }
            case -1 -> throw new EOFException("the store closed the connection");
            default -> throw new IOException("not a RESP answer (type byte " + type + ")");
        };
    }

    private String bulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length + 2); // the text and its CRLF
        if (bytes.length < length + 2) {
            throw new EOFException("the store closed the connection");
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the store closed the connection");
            }
            line.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("not a RESP answer (a line without its LF)");
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that is left to do with it.
        }
    }
}
