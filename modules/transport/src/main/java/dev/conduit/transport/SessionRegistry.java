package dev.conduit.transport;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.SessionRevocations;
import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live Streamable HTTP sessions: bounded in number, ended when idle too long, visible only to the principal that
 * created them (another key presenting the id is told the session does not exist). Ids are 256 random bits, or, with
 * {@code cluster.secret}, {@link SignedSessionIds} that every replica sharing the secret takes up when a request of
 * the session reaches it first: such a session also ends when its lifetime is over, and on every replica once
 * {@code DELETE} ended it on one ({@link SessionRevocations}, shared through the store when one is configured).
 */
final class SessionRegistry {
    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    private final ReentrantLock createLock = new ReentrantLock();
    private final SecureRandom random = new SecureRandom();
    private final int maxSessions;
    private final long idleNanos;
    private final LongSupplier clock;
    private final Optional<SignedSessionIds> signed;
    private final SessionRevocations revocations;
    private final Consumer<McpSession> ended;

    SessionRegistry(int maxSessions, Duration idleTimeout, LongSupplier nanoClock) {
        this(maxSessions, idleTimeout, nanoClock, Optional.empty(), SessionRevocations.inMemory(), session -> { });
    }

    /**
     * @param ended told of every session that ends here, however it ends (DELETE, idle, lifetime, revoked, shutdown)
     */
    SessionRegistry(int maxSessions, Duration idleTimeout, LongSupplier nanoClock, Optional<SignedSessionIds> signed,
                    SessionRevocations revocations, Consumer<McpSession> ended) {
        this.ended = ended;
        this.maxSessions = maxSessions;
        this.idleNanos = idleTimeout.toNanos();
        this.clock = nanoClock;
        this.signed = signed;
        this.revocations = revocations;
    }

    /** A new session, or empty when the registry is full of live sessions. */
    Optional<HttpSession> create(Principal owner, ProtocolVersion version, ObjectNode capabilities) {
        createLock.lock();
        try {
            if (sessions.size() >= maxSessions) {
                expireIdle();
                if (sessions.size() >= maxSessions) {
                    return Optional.empty();
                }
            }
            Set<String> names = new TreeSet<>();
            capabilities.propertyNames().forEach(names::add);
            String id = signed.map(ids -> ids.issue(owner.id(), version, names)).orElseGet(this::newId);
            HttpSession session = new HttpSession(id, owner, version, clock.getAsLong());
            session.clientCapabilities(capabilities);
            sessions.put(session.id(), session);
            return Optional.of(session);
        } finally {
            createLock.unlock();
        }
    }

    /** The live session {@code id} owned by {@code caller}, touched; empty if unknown, ended, expired or foreign. */
    Optional<HttpSession> find(String id, Principal caller) {
        if (signed.isPresent()) {
            // Every request of a signed session is checked: its lifetime, and an end on another replica.
            Optional<SignedSessionIds.Claims> claims = signed.get().verify(id, caller.id());
            if (claims.isEmpty()) {
                HttpSession known = sessions.get(id);
                if (known != null && known.owner().id().equals(caller.id())) {
                    remove(id); // its own key's id no longer verifies: its lifetime is over
                }
                return Optional.empty(); // another key's id, altered or made up: nothing to end
            }
            if (revocations.revoked(id)) {
                remove(id);
                return Optional.empty();
            }
            if (!sessions.containsKey(id)) {
                return adopt(id, caller, claims.get());
            }
        }
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

    /** A session another replica opened, taken up here: initialized, with the capabilities its id names. */
    private Optional<HttpSession> adopt(String id, Principal caller, SignedSessionIds.Claims claims) {
        createLock.lock();
        try {
            HttpSession known = sessions.get(id);
            if (known != null) {
                return Optional.of(known);
            }
            if (sessions.size() >= maxSessions && expireIdle() == 0 && sessions.size() >= maxSessions) {
                return Optional.empty();
            }
            HttpSession session = new HttpSession(id, caller, claims.version(), clock.getAsLong());
            ObjectNode capabilities = Json.object();
            claims.capabilities().forEach(capabilities::putObject);
            session.clientCapabilities(capabilities);
            session.markInitialized();
            sessions.put(id, session);
            return Optional.of(session);
        } finally {
            createLock.unlock();
        }
    }

    /** Ends session {@code id} for good, on every replica when its id is signed ({@code DELETE}). */
    void end(String id, Principal caller) {
        signed.flatMap(ids -> ids.verify(id, caller.id()))
                .ifPresent(claims -> revocations.revoke(id, signed.get().remaining(claims)));
        remove(id);
    }

    /** Ends session {@code id} here. */
    void remove(String id) {
        HttpSession session = sessions.remove(id);
        if (session != null) {
            session.close();
            ended.accept(session);
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
