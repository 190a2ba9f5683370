package dev.conduit.auth;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.conduit.core.Principal;
import dev.conduit.core.Sha256;
import dev.conduit.core.spi.LimitOverrides;

/**
 * One API key: its id, the SHA-256 digest of its secret (the secret itself is not kept) and the tool patterns it may
 * use. {@link #toString()} never shows the digest.
 *
 * @param id           the key id, shown in logs and metrics
 * @param secretDigest SHA-256 of the secret's UTF-8 bytes
 * @param allowedTools tool patterns ({@code *} when the config names none)
 * @param limits       execution limits the key sets for itself
 * @param engines      the engine of the key's programs when a request names none, by language id
 */
public record ApiKey(String id, byte[] secretDigest, List<String> allowedTools, LimitOverrides limits,
                     Map<String, String> engines) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        secretDigest = secretDigest.clone();
        allowedTools = List.copyOf(allowedTools);
        Objects.requireNonNull(limits, "limits");
        engines = Map.copyOf(engines);
    }

    /** A key with {@code secret}, kept only as its digest, and the default limits. */
    public static ApiKey of(String id, String secret, List<String> allowedTools) {
        return new ApiKey(id, digest(secret), allowedTools, LimitOverrides.none(), Map.of());
    }

    /** A key with {@code secret} and its own limits. */
    public static ApiKey of(String id, String secret, List<String> allowedTools, LimitOverrides limits) {
        return of(id, secret, allowedTools, limits, Map.of());
    }

    /** A key with {@code secret}, its own limits and its own engines. */
    public static ApiKey of(String id, String secret, List<String> allowedTools, LimitOverrides limits,
                            Map<String, String> engines) {
        return new ApiKey(id, digest(secret), allowedTools, limits, engines);
    }

    /** The principal this key authenticates as. */
    public Principal principal() {
        return new Principal(id, allowedTools, limits, engines);
    }

    @Override
    public byte[] secretDigest() {
        return secretDigest.clone();
    }

    /** Whether {@code presented} hashes to this key's digest, compared in constant time. */
    boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(secretDigest, presentedDigest);
    }

    static byte[] digest(String secret) {
        return Sha256.of(secret);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKey key && key.id.equals(id) && MessageDigest.isEqual(key.secretDigest, secretDigest)
               && key.allowedTools.equals(allowedTools) && key.limits.equals(limits);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", allowedTools=" + allowedTools + "]";
    }
}
