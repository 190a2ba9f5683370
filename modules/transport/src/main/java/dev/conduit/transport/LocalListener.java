package dev.conduit.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;

import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpSession;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * The original's local transport on whatever this platform offers: a Unix domain socket, or on Windows a named
 * pipe when {@code transports.socket.path} names one. Both speak the same line protocol through {@link LineChannel}.
 */
public sealed interface LocalListener extends AutoCloseable permits SocketTransport, NamedPipeTransport {

    /** Starts listening where {@code config} says. */
    static LocalListener start(SocketTransportConfig config, McpEndpoint endpoint, Authenticator authenticator)
            throws IOException {
        return config.pipe().isPresent()
                ? NamedPipeTransport.start(config.pipe().get(), config, endpoint, authenticator)
                : SocketTransport.start(config, endpoint, authenticator);
    }

    /** Where clients connect: the socket file or the pipe name. */
    String address();

    /** Sends a server-initiated notification to every open connection whose session {@code to} picks. */
    void broadcast(JsonRpcNotification notification, Predicate<McpSession> to);

    /**
     * Stops accepting and reading, answers the requests already read for up to {@code grace}, then closes. A listener
     * that cannot stop reading on its own closes at once.
     */
    default void shutdown(Duration grace) throws InterruptedException {
        close();
    }

    /** Stops accepting, closes every connection and removes what was created. */
    @Override
    void close();
}
