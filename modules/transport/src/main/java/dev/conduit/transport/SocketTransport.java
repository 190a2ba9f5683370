package dev.conduit.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.Principal;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * The original's local transport: newline-delimited JSON-RPC on a Unix domain socket, with its
 * {@code auth.bearerToken} field checked against the same API keys as HTTP. The socket file is made owner-only
 * right after binding; a stale file left by a crashed server is removed, a live server's socket is never taken
 * over, and anything that is not a socket is never deleted. Connections beyond the cap are closed at once.
 */
public final class SocketTransport implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(SocketTransport.class.getName());
    private static final int MAX_IN_FLIGHT_PER_CONNECTION = 64;

    private final SocketTransportConfig config;
    private final McpEndpoint endpoint;
    private final Authenticator authenticator;
    private final ServerSocketChannel server;
    private final Semaphore connections;
    private final Map<SocketChannel, LineChannel> open = new ConcurrentHashMap<>();
    private final AtomicLong connectionIds = new AtomicLong();

    private SocketTransport(SocketTransportConfig config, McpEndpoint endpoint, Authenticator authenticator,
                            ServerSocketChannel server) {
        this.config = config;
        this.endpoint = endpoint;
        this.authenticator = authenticator;
        this.server = server;
        this.connections = new Semaphore(config.maxConnections());
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
        SocketTransport transport = new SocketTransport(config, endpoint, authenticator, server);
        Thread.ofVirtual().name("conduit-socket-accept").start(transport::acceptLoop);
        return transport;
    }

    /** The socket file. */
    public Path path() {
        return config.path();
    }

    /** Sends a server-initiated notification to every open connection. */
    public void broadcast(JsonRpcNotification notification) {
        open.values().forEach(channel -> channel.notifyClient(notification));
    }

    /** Stops accepting, closes every connection and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOGGER.log(Level.DEBUG, "closing the socket listener: " + e.getMessage());
        }
        open.keySet().forEach(SocketTransport::closeQuietly);
        try {
            Files.deleteIfExists(config.path());
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not remove the socket file " + config.path() + ": " + e.getMessage());
        }
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
            if (!connections.tryAcquire()) {
                LOGGER.log(Level.WARNING, "socket connection refused: " + config.maxConnections()
                                          + " connections are open (transports.socket.max-connections)");
                closeQuietly(connection);
                continue;
            }
            Thread.ofVirtual().name("conduit-socket-connection").start(() -> serve(connection));
        }
    }

    private void serve(SocketChannel connection) {
        String name = "socket-" + connectionIds.incrementAndGet();
        try {
            // With auth off every connection is the anonymous principal; with it on, each proves itself by token.
            Optional<Principal> fixed = authenticator.enabled() ? Optional.empty() : Optional.of(Principal.anonymous());
            LineChannel channel = new LineChannel(name, Channels.newOutputStream(connection), endpoint, fixed,
                                                  Optional.of(authenticator), config.maxLineBytes(),
                                                  MAX_IN_FLIGHT_PER_CONNECTION);
            open.put(connection, channel);
            channel.serve(Channels.newInputStream(connection));
        } catch (UncheckedIOException e) {
            LOGGER.log(Level.DEBUG, name + ": " + e.getMessage());
        } finally {
            open.remove(connection);
            closeQuietly(connection);
            connections.release();
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

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOGGER.log(Level.DEBUG, "closing a socket connection: " + e.getMessage());
        }
    }
}
