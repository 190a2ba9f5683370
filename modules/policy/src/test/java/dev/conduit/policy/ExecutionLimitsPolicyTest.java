package dev.conduit.policy;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.LimitOverrides;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExecutionLimitsPolicyTest {
    private final ExecutionLimitsPolicy policy = ExecutionLimitsPolicy.from(reader("""
            limits:
              execution:
                wall-time: 10s
                tool-calls: 20
            """));

    @Test
    void requestMayLowerLimits() {
        ExecutionLimits limits = policy.resolve(Json.mapper().readTree(
                "{\"timeoutMs\":500,\"memoryLimitMb\":16,\"maxToolCalls\":3,\"maxOutputBytes\":2048}"));
        assertThat(limits.wallTime(), is(Duration.ofMillis(500)));
        assertThat(limits.memoryBytes(), is(16L * 1024 * 1024));
        assertThat(limits.toolCalls(), is(3));
        assertThat(limits.outputBytes(), is(2048L));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"timeoutMs\":\"abc\"}      | limits.timeoutMs",
            "{\"memoryLimitMb\":-5}       | limits.memoryLimitMb",
            "{\"timeoutMs\":-1}           | limits.timeoutMs",
            "{\"timeoutMs\":0}            | limits.timeoutMs",
            "{\"cpuTimeMs\":true}         | limits.cpuTimeMs",
            "{\"timeoutMS\":100}          | Unknown field limits.timeoutMS",
            "[100]                        | must be an object"})
    void invalidRequestLimitsAreRefusedNamingTheField(String requested, String named) {
        RpcException refused = assertThrows(RpcException.class,
                                            () -> policy.resolve(Json.mapper().readTree(requested)));
        assertThat(refused.error().code(), is(-32602));
        assertThat(refused.error().message(), containsString(named));
    }

    @Test
    void zeroToolCallsIsAValidRequest() {
        assertThat(policy.resolve(Json.mapper().readTree("{\"maxToolCalls\":0}")).toolCalls(), is(0));
    }

    @Test
    void requestCannotRaiseLimits() {
        ExecutionLimits limits = policy.resolve(Json.mapper().readTree(
                "{\"timeoutMs\":3600000,\"memoryLimitMb\":100000,\"maxToolCalls\":1000000}"));
        assertThat(limits, is(policy.defaults()));
        assertThat(limits.wallTime(), is(Duration.ofSeconds(10)));
        assertThat(limits.toolCalls(), is(20));
    }

    @Test
    void keyLimitsReplaceDefaultsUnderCapsAndRequestsStillOnlyLower() {
        LimitOverrides key = new LimitOverrides(Optional.of(Duration.ofMinutes(2)), Optional.empty(),
                                                OptionalLong.empty(), OptionalLong.empty(), OptionalInt.empty(),
                                                OptionalInt.of(500));
        ExecutionLimits limits = policy.resolve(key, null);
        assertThat(limits.wallTime(), is(Duration.ofMinutes(2)));
        assertThat(limits.toolCalls(), is(500));
        assertThat(limits.cpuTime(), is(policy.defaults().cpuTime()));
        assertThat(policy.resolve(key, Json.mapper().readTree("{\"maxToolCalls\":7}")).toolCalls(), is(7));
        LimitOverrides greedy = new LimitOverrides(Optional.of(Duration.ofHours(5)), Optional.empty(),
                                                   OptionalLong.empty(), OptionalLong.empty(), OptionalInt.empty(),
                                                   OptionalInt.empty());
        assertThat(policy.resolve(greedy, null).wallTime(), is(policy.caps().wallTime()));
        assertThat(assertThrows(InvalidConfigException.class,
                () -> policy.checkUnderCaps(greedy, "auth.api-keys.0.limits")).key(), is("auth.api-keys.0.limits"));
    }

    @Test
    void nullOrAbsentLimitsMeanTheDefaults() {
        assertThat(policy.resolve(Json.mapper().readTree("{\"timeoutMs\":null}")), is(policy.defaults()));
        assertThat(policy.resolve(Json.mapper().readTree("null")), is(policy.defaults()));
    }

    @Test
    void defaultsMustStayUnderCaps() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ExecutionLimitsPolicy.from(
                reader("limits:\n  caps:\n    wall-time: 5s\n  execution:\n    wall-time: 20s\n")));
        assertThat(e.getMessage(), containsString("limits.execution.wall-time: must be between"));
    }

    private static ConfigReader reader(String yaml) {
        return ConfigReader.of(Config.just(ConfigSources.create(yaml, MediaTypes.APPLICATION_X_YAML))).child("limits");
    }
}
