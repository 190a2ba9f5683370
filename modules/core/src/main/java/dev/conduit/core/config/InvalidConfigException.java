package dev.conduit.core.config;

import java.io.Serial;

/**
 * A configuration value that stops start-up. The message names the key, what was wrong and what is allowed, so that
 * the person who runs the server can fix the file without reading code.
 */
public final class InvalidConfigException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String key;

    /** A problem with {@code key}, described by {@code problem} (for example "must be between 1 and 65535"). */
    public InvalidConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The full key, for example {@code auth.api-keys.0.secret}. */
    public String key() {
        return key;
    }
}
