package dev.conduit.core.exec;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random bytes for a guest's {@code crypto.getRandomValues} and {@code crypto.randomUUID} in the in-process
 * JavaScript engines: from the JDK's {@link SecureRandom}, as Deno's come from the system's, since programs use them for
 * identifiers and tokens. At most {@value #MAX_BYTES} bytes a call, the Web Crypto API's own quota. Thread-safe.
 */
public final class GuestRandom {
    /** The most bytes one call gives. */
    public static final int MAX_BYTES = 65536;

    private static final SecureRandom RANDOM = new SecureRandom();

    private GuestRandom() {
    }

    /** {@code count} random bytes (0 to {@value #MAX_BYTES}; outside that, none) as lowercase hex. */
    public static String hex(long count) {
        byte[] bytes = new byte[(int) Math.max(0, Math.min(count, MAX_BYTES))];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
