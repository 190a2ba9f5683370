package dev.conduit.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, as the gateway uses it on every request (API keys are compared by digest, audit records carry the code's).
 * Each digest is a clone of one prepared instance: {@code MessageDigest.getInstance} looks the provider up each time,
 * which showed in the profile of a direct tool call.
 */
public final class Sha256 {
    private static final MessageDigest PROTOTYPE = prototype();

    private Sha256() {
    }

    /** The digest of {@code text}'s UTF-8 bytes. */
    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of {@code bytes}. */
    public static byte[] of(byte[] bytes) {
        try {
            return ((MessageDigest) PROTOTYPE.clone()).digest(bytes);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the runtime's SHA-256 cannot be cloned", e);
        }
    }

    /** The digest of {@code text}'s UTF-8 bytes in lower-case hex. */
    public static String hex(String text) {
        return HexFormat.of().formatHex(of(text));
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
