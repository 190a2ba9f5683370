package dev.conduit.transport;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.Predicate;

import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpSession;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * The original's local transport on a Unix domain socket: newline-delimited JSON-RPC, with its
 * {@code auth.bearerToken} field checked against the same API keys as HTTP. The socket file is made owner-only
 * right after binding; a stale file left by a crashed server is removed, a live server's socket is never taken
 * over, and anything that is not a socket is never deleted. Connections beyond the cap are closed at once.
 */
public final class SocketTransport implements LocalListener {
    private static final System.Logger LOGGER = System.getLogger(SocketTransport.class.getName());

    private final Path path;
    private final ServerSocketChannel server;
    private final LineConnections connections;

    private SocketTransport(Path path, ServerSocketChannel server, LineConnections connections) {
        this.path = path;
        this.server = server;
        this.connections = connections;
    }

    /**
     * Binds the socket and starts accepting.
     *
     * @throws IllegalStateException when the path is taken by a live server or by something that is not a socket
     */
    public static SocketTransport start(SocketTransportConfig config, McpEndpoint endpoint,
                                        Authenticator authenticator) throws IOException {
        Path path = config.path();
        removeStale(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw e;
        }
        SocketTransport transport = new SocketTransport(path, server,
                                                        new LineConnections("socket", config, endpoint, authenticator, false));
        Thread.ofVirtual().name("conduit-socket-accept").start(transport::acceptLoop);
        return transport;
    }

    /** The socket file. */
    public Path path() {
        return path;
    }

    @Override
    public String address() {
        return path.toString();
    }

    @Override
    public void broadcast(JsonRpcNotification notification, Predicate<McpSession> to) {
        connections.broadcast(notification, to);
    }

    @Override
    public void shutdown(Duration grace) throws InterruptedException {
        stopAccepting();
        connections.drain(grace, connection -> {
            try {
                ((SocketChannel) connection).shutdownInput();
            } catch (IOException e) {
                LineConnections.closeQuietly(connection);
            }
        });
    }

    @Override
    public void close() {
        stopAccepting();
        connections.closeAll();
    }

    /** Closes the listening socket and removes its file: no new client can arrive. */
    private void stopAccepting() {
        LineConnections.closeQuietly(server);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not remove the socket file " + path + ": " + e.getMessage());
        }
    }

    /** The connections, for tests. */
    LineConnections connections() {
        return connections;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOGGER.log(Level.WARNING, "accepting a socket connection failed: " + e.getMessage());
                continue;
            }
            // Channel streams allow a read and a write at the same time (separate locks since JDK 19).
            connections.serve(connection, Channels.newInputStream(connection), Channels.newOutputStream(connection));
        }
    }

    /** Removes a socket file no server answers on; refuses a live one and anything that is not a socket. */
    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            throw new IllegalStateException("transports.socket.path " + path + " exists and is not a socket; "
                                            + "refusing to replace it");
        }
        if (answers(path)) {
            throw new IllegalStateException("transports.socket.path " + path + " is in use by a running server");
        }
        LOGGER.log(Level.INFO, "removing the stale socket file " + path);
        Files.delete(path);
    }

    /** Whether a server accepts connections on the socket file. */
    private static boolean answers(Path path) {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
