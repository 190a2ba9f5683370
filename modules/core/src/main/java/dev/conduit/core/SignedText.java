package dev.conduit.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Text a client carries back and the server must trust (a session id any replica serves, an input round's state),
 * signed for the principal it was issued to: {@code text + "." + base64url(HMAC-SHA256(text + "\n" + principal))}, so
 * that an altered text or another key's use of it fails to verify. Thread-safe.
 */
public final class SignedText {
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SecretKeySpec key;

    /** Signs with {@code secret} (copied). */
    public SignedText(byte[] secret) {
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** {@code text} with its signature for {@code principal}. */
    public String sign(String text, String principal) {
        return text + "." + ENCODER.encodeToString(mac(text, principal));
    }

    /** The text {@code signed} carries, if its signature holds for {@code principal}. */
    public Optional<String> verify(String signed, String principal) {
        int dot = signed.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String text = signed.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signed.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(mac(text, principal), given) ? Optional.of(text) : Optional.empty();
    }

    private byte[] mac(String text, String principal) {
        try {
            Mac hmac = Mac.getInstance(ALGORITHM);
            hmac.init(key);
            hmac.update(text.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) '\n');
            return hmac.doFinal(principal.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java runtime", e);
        }
    }
}
