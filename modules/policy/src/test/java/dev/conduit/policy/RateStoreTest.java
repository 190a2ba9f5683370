package dev.conduit.policy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.log.Redactor;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code policy.rate-limits.store}: the URL's parts, the environment, defaults, and clear refusals. */
class RateStoreTest {

    @Test
    void aFullUrlFromTheEnvironmentIsReadAndItsPasswordNeverShown() {
        RateStore store = store("url: ${STORE}\non-failure: closed\ntimeout: 50ms",
                                Map.of("STORE", "redis://:s%40cret-pass-1234@cache.internal:6380/2")).orElseThrow();
        assertThat(store.host(), is("cache.internal"));
        assertThat(store.port(), is(6380));
        assertThat(store.password(), is(Optional.of("s@cret-pass-1234")));
        assertThat(store.database(), is(2));
        assertThat(store.onFailure(), is(RateStore.OnFailure.CLOSED));
        assertThat(store.timeout(), is(Duration.ofMillis(50)));
        assertThat(store.toString(), not(containsString("s@cret")));
        assertThat(Redactor.redact("auth failed for s@cret-pass-1234"), not(containsString("s@cret-pass-1234")));
    }

    @Test
    void defaultsAndAbsence() {
        RateStore store = store("url: redis://127.0.0.1", Map.of()).orElseThrow();
        assertThat(store.port(), is(6379));
        assertThat(store.database(), is(0));
        assertThat(store.password().isPresent(), is(false));
        assertThat(store.onFailure(), is(RateStore.OnFailure.LOCAL));
        assertThat(store.timeout(), is(Duration.ofMillis(200)));
        assertThat(store("{}", Map.of()).isPresent(), is(false));
    }

    @Test
    void whatCannotBeUsedIsRefusedNamingTheKey() {
        assertThat(assertThrows(InvalidConfigException.class, () -> store("url: http://cache:6379", Map.of()))
                           .getMessage(), containsString("store.url: must be redis://"));
        assertThat(assertThrows(InvalidConfigException.class, () -> store("url: redis://cache/x", Map.of()))
                           .getMessage(), containsString("names database 'x'"));
        assertThat(assertThrows(InvalidConfigException.class,
                                () -> store("url: redis://cache\non-failure: open", Map.of())).getMessage(),
                   containsString("store.on-failure: must be local or closed"));
        assertThat(assertThrows(InvalidConfigException.class, () -> store("url: ${UNSET}", Map.of())).getMessage(),
                   containsString("UNSET, which is not set"));
    }

    private static Optional<RateStore> store(String yaml, Map<String, String> environment) {
        String indented = "  " + yaml.replace("\n", "\n  ");
        Config config = Config.just(ConfigSources.create("store:\n" + indented + "\n", MediaTypes.APPLICATION_X_YAML));
        return RateStore.from(ConfigReader.of(config).child("store"), environment);
    }
}
