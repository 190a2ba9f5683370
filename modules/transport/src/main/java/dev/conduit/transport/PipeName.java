package dev.conduit.transport;

import dev.conduit.core.config.InvalidConfigException;

/**
 * A local Windows named pipe, {@code \\.\pipe\<name>}: the only form a server may create (a pipe on another machine
 * cannot be served). The name may hold any character but a backslash; the whole path at most 256 characters.
 */
record PipeName(String path) {
    static final String PREFIX = "\\\\.\\pipe\\";
    private static final int MAX_LENGTH = 256;

    /** Whether {@code path} is meant as a named pipe rather than a socket file. */
    static boolean isPipe(String path) {
        return path.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** Validates a configured pipe path. */
    static PipeName parse(String path) {
        if (!isPipe(path)) {
            throw new InvalidConfigException("transports.socket.path", "a named pipe must look like \\\\.\\pipe\\name");
        }
        String name = path.substring(PREFIX.length());
        if (name.isEmpty() || name.indexOf('\\') >= 0 || path.length() > MAX_LENGTH) {
            throw new InvalidConfigException("transports.socket.path", "a named pipe's name must be 1 to "
                    + (MAX_LENGTH - PREFIX.length()) + " characters without a backslash: " + path);
        }
        return new PipeName(PREFIX + name);
    }
}
