package dev.conduit.transport;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.function.Predicate;

import com.sun.jna.platform.win32.WinNT;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpSession;
import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * The original's local transport on a Windows named pipe ({@code \\.\pipe\<name>}): the same line protocol as the
 * Unix socket. Each client gets its own pipe instance; the pipe admits only the user running Conduit and no
 * network logon ({@link PipeSecurity}), rejects remote clients, and refuses to start when the name is taken.
 * Built on every platform; it runs only on Windows (see docs/transports.md for what is tested where).
 */
public final class NamedPipeTransport implements LocalListener {
    private static final System.Logger LOGGER = System.getLogger(NamedPipeTransport.class.getName());

    private final PipeName name;
    private final WindowsPipes pipes;
    private final LineConnections connections;
    private volatile boolean closed;

    private NamedPipeTransport(PipeName name, WindowsPipes pipes, LineConnections connections) {
        this.name = name;
        this.pipes = pipes;
        this.connections = connections;
    }

    /** Creates the first pipe instance (failing when the name is taken) and starts accepting. */
    static NamedPipeTransport start(PipeName name, SocketTransportConfig config, McpEndpoint endpoint,
                                    Authenticator authenticator) throws IOException {
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            throw new IllegalStateException("transports.socket.path " + name.path() + " is a Windows named pipe, "
                                            + "and this is not Windows: use a socket file path");
        }
        WindowsPipes pipes = new WindowsPipes();
        WinNT.HANDLE first = pipes.create(name, true);
        NamedPipeTransport transport = new NamedPipeTransport(name, pipes,
                                                              new LineConnections("pipe", config, endpoint, authenticator,
                                                                                  true));
        // Waiting for a client is a native call: a platform thread, so no carrier is pinned (see PipeThreads).
        Thread.ofPlatform().daemon(true).name("conduit-pipe-accept").start(() -> transport.acceptLoop(first));
        return transport;
    }

    @Override
    public String address() {
        return name.path();
    }

    @Override
    public void broadcast(JsonRpcNotification notification, Predicate<McpSession> to) {
        connections.broadcast(notification, to);
    }

    @Override
    public void close() {
        closed = true;
        pipes.stopListening();
        connections.closeAll();
    }

    /** Waits for a client on the free instance, hands it over, and makes the next instance; until closed. */
    private void acceptLoop(WinNT.HANDLE first) {
        WinNT.HANDLE free = first;
        while (!closed) {
            try {
                WindowsPipes.Connection connection = pipes.connect(free);
                connections.serve(connection, connection.input(), connection.output());
                free = pipes.create(name, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOGGER.log(Level.WARNING, "accepting a pipe connection failed: " + e.getMessage());
                free = createOrNull();
                if (free == null) {
                    return;
                }
            }
        }
    }

    /** A fresh instance after a failure, or null (logged) when none can be made: the listener then stops. */
    private WinNT.HANDLE createOrNull() {
        try {
            return pipes.create(name, false);
        } catch (IOException e) {
            LOGGER.log(Level.ERROR, "the named pipe " + name.path() + " stopped listening: " + e.getMessage());
            return null;
        }
    }
}
