package dev.conduit.core.exec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Digests for a guest's {@code crypto.subtle.digest} in the in-process JavaScript engines, as Deno's Web Crypto has
 * them: SHA-1, SHA-256, SHA-384 and SHA-512 from the JDK, which hashes in a fraction of the time an interpreted guest
 * would. The bytes cross as a string of one character per byte (Latin-1), the digest comes back as hex. Thread-safe.
 */
public final class GuestDigest {
    /** The algorithms, by their Web Crypto names (which are the JDK's too). */
    public static final Set<String> ALGORITHMS = Set.of("SHA-1", "SHA-256", "SHA-384", "SHA-512");

    private GuestDigest() {
    }

    /**
     * The digest of {@code bytes} (one character per byte) by {@code algorithm}, as lowercase hex.
     *
     * @throws IllegalArgumentException for an algorithm not among {@link #ALGORITHMS}
     */
    public static String hex(String algorithm, String bytes) {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("Unrecognized algorithm name");
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                                                    .digest(bytes.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}
