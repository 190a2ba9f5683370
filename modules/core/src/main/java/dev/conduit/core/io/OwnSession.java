package dev.conduit.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Child processes (stdio upstreams, Deno runners) in a session of their own, so that the server alone decides when
 * they end.
 * <p>
 * Ctrl-C in a terminal signals the whole foreground process group, and children share the server's group: an upstream
 * died at once, while the server was still answering the requests in flight of its graceful shutdown, and the server
 * started it again to list tools (measured: a second Node.js process and a second longer stop). In a session of their
 * own the signal reaches the server only; it ends its children when it stops. Where the system has no
 * {@code setsid(1)} (util-linux; not macOS) children start as before.
 */
public final class OwnSession {
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst();

    private OwnSession() {
    }

    /**
     * {@code command} run through {@code setsid} when the system has it. The child keeps its process id: it is not a
     * group leader, so {@code setsid} makes the new session and executes the command in place.
     */
    public static List<String> command(List<String> command) {
        if (SETSID.isEmpty()) {
            return command;
        }
        List<String> detached = new ArrayList<>(command.size() + 1);
        detached.add(SETSID.get().toString());
        detached.addAll(command);
        return detached;
    }
}
