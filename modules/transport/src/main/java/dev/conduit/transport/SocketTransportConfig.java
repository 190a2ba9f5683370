package dev.conduit.transport;

import java.nio.file.Path;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;

/**
 * The {@code transports.socket} node: the original's newline-delimited JSON-RPC on a Unix domain socket.
 * <pre>
 * transports:
 *   socket:
 *     path: /run/user/1000/conduit.sock   # absent: no socket listener
 *     max-connections: 64                 # connections beyond this are closed at once; 1 to 10000
 *     max-line-bytes: 16777216            # a longer line ends its connection; 1 KiB to 64 MiB
 * </pre>
 */
public record SocketTransportConfig(Path path, int maxConnections, int maxLineBytes) {
    /** Reads the node; empty when no {@code path} is configured. */
    public static Optional<SocketTransportConfig> from(ConfigReader socket) {
        Optional<String> path = socket.string("path");
        int maxConnections = socket.integer("max-connections", 64, 1, 10_000);
        int maxLine = socket.integer("max-line-bytes", StdioTransport.MAX_LINE_BYTES, 1024, 64 * 1024 * 1024);
        socket.warnUnknown();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        if (path.get().startsWith("\\\\.\\pipe\\")) {
            throw new InvalidConfigException("transports.socket.path", "Windows named pipes are not supported yet; "
                                                                       + "use a Unix domain socket path");
        }
        return Optional.of(new SocketTransportConfig(Path.of(path.get()).toAbsolutePath(), maxConnections, maxLine));
    }
}
