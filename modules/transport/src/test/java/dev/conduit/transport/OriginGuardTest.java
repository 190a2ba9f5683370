package dev.conduit.transport;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class OriginGuardTest {
    private final OriginGuard guard = new OriginGuard("127.0.0.1", List.of("conduit.internal"),
                                                      List.of("https://app.example.com"));

    @Test
    void loopbackHostsPassWithAnyPort() {
        assertThat(allowed("localhost:8080", null), is(true));
        assertThat(allowed("127.0.0.1", null), is(true));
        assertThat(allowed("[::1]:9000", null), is(true));
        assertThat(allowed("LOCALHOST:1", null), is(true));
    }

    @Test
    void configuredHostPasses() {
        assertThat(allowed("conduit.internal:443", "https://conduit.internal"), is(true));
    }

    @Test
    void foreignOrMissingHostIsRefused() {
        assertThat(allowed("evil.example.com", null), is(false));
        assertThat(allowed("evil.example.com:8080", null), is(false));
        assertThat(guard.check(Optional.empty(), Optional.empty()).isPresent(), is(true));
    }

    @Test
    void originMustNameThisServerOrBeListed() {
        assertThat(allowed("localhost:8080", "http://localhost:3000"), is(true));
        assertThat(allowed("localhost:8080", "https://app.example.com"), is(true));
        assertThat(allowed("localhost:8080", "http://evil.example.com"), is(false));
        assertThat(allowed("localhost:8080", "null"), is(false));
        assertThat(allowed("localhost:8080", "file://localhost"), is(false));
        assertThat(allowed("localhost:8080", "http://localhost.evil.example.com"), is(false));
    }

    @Test
    void wildcardBindAddsNothing() {
        OriginGuard any = new OriginGuard("0.0.0.0", List.of(), List.of());
        assertThat(any.check(Optional.of("0.0.0.0:8080"), Optional.empty()).isPresent(), is(true));
    }

    private boolean allowed(String host, String origin) {
        return guard.check(Optional.of(host), Optional.ofNullable(origin)).isEmpty();
    }
}
