package dev.conduit.transport;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.SignedText;

/**
 * Session ids that every replica sharing {@code cluster.secret} can verify and serve, so that a balancer needs no
 * stickiness for 2025-era sessions: {@code s1.<nonce>.<protocol>.<issued>.<capabilities>.<mac>}, where the MAC
 * (HMAC-SHA256 with the secret) covers everything before it and the id of the key that opened the session, so an id
 * is good only for that key and cannot be altered or made up. It carries what a replica needs to take the session up:
 * the negotiated protocol revision, when it was issued (it expires {@code maxAge} later on every replica), and the
 * names of the client's top-level capabilities. No secret is in it.
 */
final class SignedSessionIds {
    private static final String PREFIX = "s1";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SignedText signer;
    private final Duration maxAge;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** What a verified id says. */
    record Claims(ProtocolVersion version, Instant issued, Set<String> capabilities) {
    }

    SignedSessionIds(byte[] secret, Duration maxAge, Clock clock) {
        this.signer = new SignedText(secret);
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** A new id for a session of {@code owner} with {@code version} and the client's {@code capabilities}. */
    String issue(String owner, ProtocolVersion version, Set<String> capabilities) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String names = String.join(",", new TreeSet<>(capabilities.stream()
                .filter(name -> name.matches("[A-Za-z0-9_-]{1,64}")).toList()));
        String payload = PREFIX + "." + ENCODER.encodeToString(nonce) + "." + version.wire() + "."
                         + clock.instant().getEpochSecond() + "." + ENCODER.encodeToString(names.getBytes(
                                 StandardCharsets.UTF_8));
        return signer.sign(payload, owner);
    }

    /** What {@code id} says, if it is one of ours, for {@code caller}, and not expired. */
    Optional<Claims> verify(String id, String caller) {
        if (!id.startsWith(PREFIX + ".") || id.length() > 1024) {
            return Optional.empty();
        }
        Optional<String> verified = signer.verify(id, caller);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        String payload = verified.get();
        String[] parts = payload.split("\\.", -1);
        if (parts.length != 5) {
            return Optional.empty();
        }
        Optional<ProtocolVersion> version = ProtocolVersion.fromWire(parts[2]);
        Instant issued;
        try {
            issued = Instant.ofEpochSecond(Long.parseLong(parts[3]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (version.isEmpty() || clock.instant().isAfter(issued.plus(maxAge))) {
            return Optional.empty();
        }
        String names = new String(Base64.getUrlDecoder().decode(parts[4]), StandardCharsets.UTF_8);
        return Optional.of(new Claims(version.get(), issued, names.isEmpty() ? Set.of() : Set.of(names.split(","))));
    }

    /** How long session {@code claims} has left. */
    Duration remaining(Claims claims) {
        Duration left = Duration.between(clock.instant(), claims.issued().plus(maxAge));
        return left.isNegative() ? Duration.ZERO : left;
    }
}
