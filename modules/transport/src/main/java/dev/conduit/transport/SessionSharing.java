package dev.conduit.transport;

import java.time.Duration;
import java.util.Optional;

import dev.conduit.core.SessionRevocations;

/**
 * How replicas share 2025-era sessions: with a {@code secret} ({@code cluster.secret}) session ids are signed and any
 * replica holding the secret serves them, for {@code maxAge} after they were issued; {@code revocations} make an end
 * ({@code DELETE}) hold on every replica when they are shared.
 *
 * @param secret      the cluster's shared secret; empty: ids are random and a session lives on one replica
 * @param maxAge      a signed session's lifetime, however active it is
 * @param revocations where ended sessions are remembered
 */
public record SessionSharing(Optional<byte[]> secret, Duration maxAge, SessionRevocations revocations) {

    /** Sessions of this replica only. */
    public static SessionSharing none() {
        return new SessionSharing(Optional.empty(), Duration.ofDays(1), SessionRevocations.inMemory());
    }
}
