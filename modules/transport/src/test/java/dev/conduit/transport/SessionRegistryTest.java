package dev.conduit.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class SessionRegistryTest {
    private final AtomicLong clock = new AtomicLong();
    private final SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(1), clock::get);
    private final Principal alpha = new Principal("alpha", List.of("*"));
    private final Principal beta = new Principal("beta", List.of("*"));

    @Test
    void sessionsHaveUniqueUnguessableIds() {
        String first = registry.create(alpha, ProtocolVersion.latest()).orElseThrow().id();
        String second = registry.create(alpha, ProtocolVersion.latest()).orElseThrow().id();
        assertThat(first, not(second));
        assertThat(first.matches("[A-Za-z0-9_-]{43}"), is(true));
    }

    @Test
    void capacityIsBoundedUntilIdleSessionsExpire() {
        registry.create(alpha, ProtocolVersion.latest()).orElseThrow();
        registry.create(alpha, ProtocolVersion.latest()).orElseThrow();
        assertThat(registry.create(alpha, ProtocolVersion.latest()).isPresent(), is(false));
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(registry.create(alpha, ProtocolVersion.latest()).isPresent(), is(true));
        assertThat(registry.size(), is(1));
    }

    @Test
    void idleSessionExpiresAndUseKeepsItAlive() {
        String id = registry.create(alpha, ProtocolVersion.latest()).orElseThrow().id();
        clock.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(registry.find(id, alpha).isPresent(), is(true));
        clock.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(registry.find(id, alpha).isPresent(), is(true));
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(registry.find(id, alpha).isPresent(), is(false));
    }

    @Test
    void sessionIsInvisibleToAnotherPrincipal() {
        String id = registry.create(alpha, ProtocolVersion.latest()).orElseThrow().id();
        assertThat(registry.find(id, beta).isPresent(), is(false));
        assertThat(registry.find(id, alpha).isPresent(), is(true));
    }

    @Test
    void removedSessionIsGone() {
        String id = registry.create(alpha, ProtocolVersion.latest()).orElseThrow().id();
        registry.remove(id);
        assertThat(registry.find(id, alpha).isPresent(), is(false));
    }
}
