package dev.conduit.auth;

import java.util.List;
import java.util.Map;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AuthTest {
    private static final String SECRET = "0123456789abcdef-secret";
    private static final String YAML = """
            auth:
              api-keys:
                - id: ci
                  secret: ${CI_KEY}
                  tools: ["everything.*"]
                - id: other
                  secret: ${OTHER_KEY}
            """;

    @Test
    void rightKeyAuthenticatesAsItsId() {
        Authenticator authenticator = authenticator();
        AuthResult result = authenticator.authenticateHeader("Bearer " + SECRET);
        AuthResult.Authenticated ok = (AuthResult.Authenticated) result;
        assertThat(ok.principal().id(), is("ci"));
        assertThat(ok.principal().allowedTools(), is(List.of("everything.*")));
        AuthResult other = authenticator.authenticateHeader("bearer other-secret-0123456789");
        assertThat(((AuthResult.Authenticated) other).principal().id(), is("other"));
    }

    @Test
    void missingWrongAndMalformedAreRejected() {
        Authenticator authenticator = authenticator();
        assertThat(authenticator.withoutCredentials(), instanceOf(AuthResult.Rejected.class));
        assertThat(authenticator.authenticateHeader("Bearer " + SECRET + "x"),
                   instanceOf(AuthResult.Rejected.class));
        assertThat(authenticator.authenticateHeader("Basic " + SECRET),
                   instanceOf(AuthResult.Rejected.class));
        assertThat(authenticator.authenticateToken(""), instanceOf(AuthResult.Rejected.class));
    }

    @Test
    void disabledAuthAdmitsTheAnonymousPrincipal() {
        Authenticator authenticator = Authenticator.create(new AuthConfig(false, List.of()));
        AuthResult result = authenticator.withoutCredentials();
        assertThat(((AuthResult.Authenticated) result).principal().id(), is("anonymous"));
    }

    @Test
    void secretMustBeAnEnvironmentReference() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AuthConfig.from(reader("""
                auth:
                  api-keys:
                    - id: a
                      secret: literal-secret-in-the-file
                """), Map.of()));
        assertThat(e.getMessage(), containsString("auth.api-keys.0.secret: must reference an environment variable"));
        assertThat(e.getMessage(), not(containsString("literal-secret-in-the-file")));
    }

    @Test
    void unsetOrShortVariableNamesTheKey() {
        assertThat(assertThrows(InvalidConfigException.class, () -> AuthConfig.from(reader(YAML),
                Map.of("CI_KEY", SECRET))).getMessage(),
                   is("auth.api-keys.1.secret: refers to the environment variable OTHER_KEY, which is not set; set it "
                      + "to a random secret of 16 characters or more, for example: export OTHER_KEY=$(openssl rand "
                      + "-hex 32)"));
        assertThat(assertThrows(InvalidConfigException.class, () -> AuthConfig.from(reader(YAML),
                Map.of("CI_KEY", "short", "OTHER_KEY", SECRET))).getMessage(),
                   containsString("shorter than 16 characters"));
    }

    @Test
    void enabledWithoutKeysAndDuplicateIdsAreRefused() {
        assertThat(assertThrows(InvalidConfigException.class, () -> AuthConfig.from(reader("auth:\n  enabled: true\n"),
                Map.of())).key(), is("auth.api-keys"));
        assertThat(assertThrows(InvalidConfigException.class, () -> AuthConfig.from(reader("""
                auth:
                  api-keys:
                    - id: a
                      secret: ${K}
                    - id: a
                      secret: ${K}
                """), Map.of("K", SECRET))).getMessage(), containsString("duplicate key id"));
    }

    @Test
    void keyMaySetItsOwnLimits() {
        AuthConfig config = AuthConfig.from(reader("""
                auth:
                  api-keys:
                    - id: batch
                      secret: ${K}
                      limits:
                        wall-time: 2m
                        tool-calls: 1000
                """), Map.of("K", SECRET));
        ApiKey key = config.apiKeys().getFirst();
        assertThat(key.limits().wallTime().orElseThrow(), is(java.time.Duration.ofMinutes(2)));
        assertThat(key.limits().toolCalls().getAsInt(), is(1000));
        assertThat(key.limits().cpuTime().isPresent(), is(false));
        assertThat(key.principal().limits(), is(key.limits()));
    }

    @Test
    void keyMayChooseItsEnginesByLanguage() {
        AuthConfig config = AuthConfig.from(reader("""
                auth:
                  api-keys:
                    - id: analyst
                      secret: ${K}
                      engines:
                        javascript: deno
                        typescript: deno
                    - id: plain
                      secret: ${K}
                """), Map.of("K", SECRET));
        assertThat(config.apiKeys().getFirst().principal().engines(),
                   is(Map.of("javascript", "deno", "typescript", "deno")));
        assertThat(config.apiKeys().getLast().principal().engines(), is(Map.of()));
    }

    @Test
    void keyNeverPrintsItsSecret() {
        ApiKey key = ApiKey.of("id", SECRET, List.of("*"));
        assertThat(key.toString(), not(containsString(SECRET)));
    }

    private static Authenticator authenticator() {
        return Authenticator.create(AuthConfig.from(reader(YAML),
                Map.of("CI_KEY", SECRET, "OTHER_KEY", "other-secret-0123456789")));
    }

    private static ConfigReader reader(String yaml) {
        return ConfigReader.of(Config.just(ConfigSources.create(yaml, MediaTypes.APPLICATION_X_YAML)).get("auth"));
    }
}
