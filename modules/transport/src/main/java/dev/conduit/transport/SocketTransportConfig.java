package dev.conduit.transport;

import java.nio.file.Path;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;

/**
 * The {@code transports.socket} node: the original's newline-delimited JSON-RPC on a Unix domain socket, or on
 * Windows on a named pipe.
 * <pre>
 * transports:
 *   socket:
 *     path: /run/user/1000/conduit.sock   # or \\.\pipe\conduit; absent: no local listener
 *     max-connections: 64                 # connections beyond this are closed at once; 1 to 10000
 *     max-line-bytes: 16777216            # a longer line ends its connection; 1 KiB to 64 MiB
 * </pre>
 *
 * @param address the socket file, or the pipe path
 */
public record SocketTransportConfig(String address, int maxConnections, int maxLineBytes) {

    public SocketTransportConfig {
        if (PipeName.isPipe(address)) {
            PipeName.parse(address);
        }
    }

    /** A socket-file listener. */
    public SocketTransportConfig(Path path, int maxConnections, int maxLineBytes) {
        this(path.toAbsolutePath().toString(), maxConnections, maxLineBytes);
    }

    /** Reads the node; empty when no {@code path} is configured. */
    public static Optional<SocketTransportConfig> from(ConfigReader socket) {
        Optional<String> path = socket.string("path");
        int maxConnections = socket.integer("max-connections", 64, 1, 10_000);
        int maxLine = socket.integer("max-line-bytes", StdioTransport.MAX_LINE_BYTES, 1024, 64 * 1024 * 1024);
        socket.warnUnknown();
        return path.map(value -> PipeName.isPipe(value)
                ? new SocketTransportConfig(value, maxConnections, maxLine)
                : new SocketTransportConfig(Path.of(value), maxConnections, maxLine));
    }

    /** The named pipe, when the address names one. */
    Optional<PipeName> pipe() {
        return PipeName.isPipe(address) ? Optional.of(PipeName.parse(address)) : Optional.empty();
    }

    /** The socket file. */
    Path path() {
        return Path.of(address);
    }
}
