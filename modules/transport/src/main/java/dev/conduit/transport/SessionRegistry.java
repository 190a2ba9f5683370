package dev.conduit.transport;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;

/**
 * The live Streamable HTTP sessions: bounded in number, ended when idle too long, visible only to the principal that
 * created them (another key presenting the id is told the session does not exist). Ids are 256 random bits.
 */
final class SessionRegistry {
    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    private final ReentrantLock createLock = new ReentrantLock();
    private final SecureRandom random = new SecureRandom();
    private final int maxSessions;
    private final long idleNanos;
    private final LongSupplier clock;

    SessionRegistry(int maxSessions, Duration idleTimeout, LongSupplier nanoClock) {
        this.maxSessions = maxSessions;
        this.idleNanos = idleTimeout.toNanos();
        this.clock = nanoClock;
    }

    /** A new session, or empty when the registry is full of live sessions. */
    Optional<HttpSession> create(Principal owner, ProtocolVersion version) {
        createLock.lock();
        try {
            if (sessions.size() >= maxSessions) {
                expireIdle();
                if (sessions.size() >= maxSessions) {
                    return Optional.empty();
                }
            }
            HttpSession session = new HttpSession(newId(), owner, version, clock.getAsLong());
            sessions.put(session.id(), session);
            return Optional.of(session);
        } finally {
            createLock.unlock();
        }
    }

    /** The live session {@code id} owned by {@code caller}, touched; empty if unknown, ended, expired or foreign. */
    Optional<HttpSession> find(String id, Principal caller) {
        HttpSession session = sessions.get(id);
        if (session == null || !session.owner().id().equals(caller.id())) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        if (now - session.lastUsedNanos() > idleNanos) {
            remove(id);
            return Optional.empty();
        }
        session.touch(now);
        return Optional.of(session);
    }

    /** Ends session {@code id}. */
    void remove(String id) {
        HttpSession session = sessions.remove(id);
        if (session != null) {
            session.close();
        }
    }

    /** Ends every session idle for longer than the timeout; returns how many. */
    int expireIdle() {
        long now = clock.getAsLong();
        int[] expired = {0};
        sessions.values().stream()
                .filter(session -> now - session.lastUsedNanos() > idleNanos)
                .forEach(session -> {
                    remove(session.id());
                    expired[0]++;
                });
        return expired[0];
    }

    /** Ends every session. */
    void closeAll() {
        sessions.keySet().forEach(this::remove);
    }

    void forEach(java.util.function.Consumer<HttpSession> action) {
        sessions.values().forEach(action);
    }

    int size() {
        return sessions.size();
    }

    private String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
