package dev.conduit.transport;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.SessionRevocations;
import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class SessionRegistryTest {
    private final AtomicLong clock = new AtomicLong();
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private final SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(1), clock::get,
                                                                 Optional.empty(), SessionRevocations.inMemory(),
                                                                 session -> ended.add(session.id()));
    private final Principal alpha = new Principal("alpha", List.of("*"));
    private final Principal beta = new Principal("beta", List.of("*"));

    @Test
    void sessionsHaveUniqueUnguessableIds() {
        String first = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        String second = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        assertThat(first, not(second));
        assertThat(first.matches("[A-Za-z0-9_-]{43}"), is(true));
    }

    @Test
    void capacityIsBoundedUntilIdleSessionsExpire() {
        registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow();
        registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow();
        assertThat(registry.create(alpha, ProtocolVersion.latest(), Json.object()).isPresent(), is(false));
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(registry.create(alpha, ProtocolVersion.latest(), Json.object()).isPresent(), is(true));
        assertThat(registry.size(), is(1));
    }

    @Test
    void idleSessionExpiresAndUseKeepsItAlive() {
        String id = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        clock.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(registry.find(id, alpha).isPresent(), is(true));
        clock.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(registry.find(id, alpha).isPresent(), is(true));
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(registry.find(id, alpha).isPresent(), is(false));
    }

    @Test
    void sessionIsInvisibleToAnotherPrincipal() {
        String id = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        assertThat(registry.find(id, beta).isPresent(), is(false));
        assertThat(registry.find(id, alpha).isPresent(), is(true));
    }

    @Test
    void removedSessionIsGone() {
        String id = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        registry.remove(id);
        assertThat(registry.find(id, alpha).isPresent(), is(false));
    }

    /** What the gateway holds for a session (its resource subscriptions) is released however the session ends. */
    @Test
    void everyEndOfASessionIsToldOnce() {
        String deleted = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        String idle = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        registry.end(deleted, alpha);
        registry.end(deleted, alpha);
        assertThat(ended, is(List.of(deleted)));
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(registry.find(idle, alpha).isPresent(), is(false));
        assertThat(registry.expireIdle(), is(0));
        assertThat(ended, is(List.of(deleted, idle)));
        String swept = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(registry.expireIdle(), is(1));
        String open = registry.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        registry.closeAll();
        assertThat(ended, is(List.of(deleted, idle, swept, open)));
    }

    /** Two registries with one cluster secret stand for two replicas behind a balancer without stickiness. */
    @Test
    void aSignedSessionIsServedByAnyReplicaHoldingTheSecretForItsKeyOnly() {
        SessionRevocations store = SessionRevocations.inMemory();
        SessionRegistry first = replica(SECRET, store);
        SessionRegistry second = replica(SECRET, store);
        HttpSession opened = first.create(alpha, ProtocolVersion.V2025_03_26,
                                          Json.object().set("sampling", Json.object())).orElseThrow();
        HttpSession taken = second.find(opened.id(), alpha).orElseThrow();
        assertThat(taken.protocolVersion(), is(ProtocolVersion.V2025_03_26));
        assertThat(taken.initialized(), is(true));
        assertThat(taken.clientCapabilities().has("sampling"), is(true));
        assertThat(second.find(opened.id(), beta).isPresent(), is(false));
        assertThat("another key's attempt ends nothing", second.find(opened.id(), alpha).isPresent(), is(true));
        assertThat(replica("another-secret-of-32-characters-x".getBytes(StandardCharsets.UTF_8), store)
                           .find(opened.id(), alpha).isPresent(), is(false));
        String altered = opened.id().replace(".2025-03-26.", ".2025-11-25.");
        assertThat(second.find(altered, alpha).isPresent(), is(false));
        assertThat(second.find("s1.made.up.0.x.y", alpha).isPresent(), is(false));
    }

    @Test
    void anEndOnOneReplicaHoldsOnEveryReplica() {
        SessionRevocations store = SessionRevocations.inMemory();
        SessionRegistry first = replica(SECRET, store);
        SessionRegistry second = replica(SECRET, store);
        String id = first.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        assertThat(second.find(id, alpha).isPresent(), is(true));
        first.end(id, alpha);
        assertThat(ended, is(List.of(id)));
        assertThat(second.find(id, alpha).isPresent(), is(false));
        assertThat("the replica that had taken it up releases it too", ended, is(List.of(id, id)));
        assertThat(first.find(id, alpha).isPresent(), is(false));
    }

    @Test
    void aSignedSessionEndsWhenItsLifetimeIsOverOnEveryReplica() {
        SessionRegistry first = replica(SECRET, SessionRevocations.inMemory());
        String id = first.create(alpha, ProtocolVersion.latest(), Json.object()).orElseThrow().id();
        now = now.plus(Duration.ofHours(23));
        assertThat(replica(SECRET, SessionRevocations.inMemory()).find(id, alpha).isPresent(), is(true));
        now = now.plus(Duration.ofHours(2));
        assertThat(replica(SECRET, SessionRevocations.inMemory()).find(id, alpha).isPresent(), is(false));
        assertThat(first.find(id, alpha).isPresent(), is(false));
    }

    private static final byte[] SECRET = "the-cluster-secret-of-32-characters".getBytes(StandardCharsets.UTF_8);
    private Instant now = Instant.parse("2026-12-03T00:00:00Z");

    private SessionRegistry replica(byte[] secret, SessionRevocations revocations) {
        Clock moving = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new SessionRegistry(10, Duration.ofDays(7), clock::get,
                                   Optional.of(new SignedSessionIds(secret, Duration.ofHours(24), moving)), revocations,
                                   session -> ended.add(session.id()));
    }
}
