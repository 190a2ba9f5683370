package dev.conduit.upstream;

import java.time.Duration;
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
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UpstreamConfigTest {
    private static final Map<String, String> ENV = Map.of("TOKEN", "s3cr3t-value", "PATH", "/usr/bin");

    @Test
    void readsStdioEntryWithResolvedEnvironment() {
        UpstreamConfig config = one("""
                upstreams:
                  - id: files
                    command: node
                    args: [server.js, /data]
                    cwd: /srv
                    env:
                      API_TOKEN: ${TOKEN}
                      MODE: read-only
                    timeout: 5s
                """);
        UpstreamConfig.Stdio stdio = (UpstreamConfig.Stdio) config.transport();
        assertThat(config.id(), is("files"));
        assertThat(stdio.args(), is(List.of("server.js", "/data")));
        assertThat(stdio.env(), is(Map.of("API_TOKEN", "s3cr3t-value", "MODE", "read-only")));
        assertThat(config.timeout(), is(Duration.ofSeconds(5)));
        assertThat(config.toString(), not(containsString("s3cr3t-value")));
    }

    @Test
    void readsHttpEntry() {
        UpstreamConfig config = one("""
                upstreams:
                  - id: remote
                    type: http
                    url: https://mcp.example.com/mcp
                    headers: {Authorization: "Bearer ${TOKEN}"}
                """);
        UpstreamConfig.Http http = (UpstreamConfig.Http) config.transport();
        assertThat(http.url().getHost(), is("mcp.example.com"));
        assertThat(http.headers().get("Authorization"), is("Bearer s3cr3t-value"));
        assertThat(config.toString(), not(containsString("s3cr3t-value")));
    }

    @Test
    void credentialsComeFromTheEnvironmentOnly() {
        UpstreamConfig config = one("""
                upstreams:
                  - id: remote
                    type: http
                    url: https://mcp.example.com/mcp
                    auth: {type: bearer, token: "${TOKEN}"}
                """);
        Credentials.Bearer bearer = (Credentials.Bearer) ((UpstreamConfig.Http) config.transport()).auth().orElseThrow();
        assertThat(bearer.token(), is("s3cr3t-value"));
        assertThat(config.toString(), not(containsString("s3cr3t-value")));
        assertThat(error("""
                upstreams:
                  - id: remote
                    type: http
                    url: https://mcp.example.com/mcp
                    auth: {type: bearer, token: literal-token}
                """).getMessage(), containsString("upstreams.0.auth.token: must reference an environment variable"));
        assertThat(error("""
                upstreams:
                  - id: remote
                    type: http
                    url: https://mcp.example.com/mcp
                    auth: {type: oauth2, grant: refresh-token, token-url: "https://a.example/t", client-id: c}
                """).key(), is("upstreams.0.auth.refresh-token"));
        assertThat(error("""
                upstreams:
                  - id: local
                    command: node
                    auth: {type: bearer, token: "${TOKEN}"}
                """).key(), is("upstreams.0.auth"));
    }

    @Test
    void badEntriesNameTheirKey() {
        assertThat(error("upstreams:\n  - id: Bad__Id\n    command: x\n").getMessage(),
                   containsString("upstreams.0.id: must match"));
        assertThat(error("upstreams:\n  - id: conduit\n    command: x\n").key(), is("upstreams.0.id"));
        assertThat(error("upstreams:\n  - id: a\n    type: ftp\n").getMessage(),
                   containsString("upstreams.0.type: must be stdio, http or sse"));
        assertThat(error("upstreams:\n  - id: a\n").getMessage(), is("upstreams.0.command: is required"));
        assertThat(error("upstreams:\n  - id: a\n    type: http\n    url: file:///etc/passwd\n").key(),
                   is("upstreams.0.url"));
        assertThat(error("upstreams:\n  - id: a\n    command: x\n    env: {K: \"${MISSING}\"}\n").getMessage(),
                   containsString("MISSING, which is not set"));
        assertThat(error("upstreams:\n  - id: a\n    command: x\n  - id: a\n    command: y\n").getMessage(),
                   containsString("duplicate upstream id"));
        assertThat(error("upstreams:\n  - id: a\n    command: x\n    timeout: 0s\n").key(), is("upstreams.0.timeout"));
    }

    @Test
    void theNamespaceDefaultsToTheIdAndMayBeEmptyButNotShared() {
        assertThat(one("upstreams:\n  - id: files\n    command: x\n").namespace(), is("files"));
        assertThat(one("upstreams:\n  - id: files\n    namespace: fs\n    command: x\n").namespace(), is("fs"));
        assertThat(one("upstreams:\n  - id: files\n    namespace: \"\"\n    command: x\n").namespace(), is(""));
        assertThat(error("upstreams:\n  - id: a\n    namespace: x__y\n    command: x\n").key(),
                   is("upstreams.0.namespace"));
        assertThat(error("upstreams:\n  - id: a\n    namespace: conduit\n    command: x\n").key(),
                   is("upstreams.0.namespace"));
        // Another upstream's id is its namespace too: both would publish b__<tool>.
        InvalidConfigException shared = error("upstreams:\n  - id: a\n    namespace: b\n    command: x\n"
                                              + "  - id: b\n    command: y\n");
        assertThat(shared.key(), is("upstreams.1.namespace"));
        assertThat(shared.getMessage(), containsString("upstreams 'a' and 'b' both publish under the namespace 'b'"));
        // Several upstreams may publish unprefixed; their names are checked when they list them.
        assertThat(UpstreamConfig.listFrom(reader("upstreams:\n  - id: a\n    namespace: \"\"\n    command: x\n"
                + "  - id: b\n    namespace: \"\"\n    command: y\n").list("upstreams"), ENV).size(), is(2));
    }

    @Test
    void theProtocolEraIsAutoUnlessPinned() {
        assertThat(one("upstreams:\n  - id: a\n    command: x\n").protocol(), is(UpstreamConfig.Protocol.AUTO));
        assertThat(one("upstreams:\n  - id: a\n    command: x\n    protocol: modern\n").protocol(),
                   is(UpstreamConfig.Protocol.MODERN));
        assertThat(one("upstreams:\n  - id: a\n    command: x\n    protocol: legacy\n").protocol(),
                   is(UpstreamConfig.Protocol.LEGACY));
        assertThat(error("upstreams:\n  - id: a\n    command: x\n    protocol: newest\n").getMessage(),
                   containsString("upstreams.0.protocol: must be auto, legacy or modern, not 'newest'"));
    }

    private static UpstreamConfig one(String yaml) {
        return UpstreamConfig.listFrom(reader(yaml).list("upstreams"), ENV).getFirst();
    }

    private static InvalidConfigException error(String yaml) {
        return assertThrows(InvalidConfigException.class,
                () -> UpstreamConfig.listFrom(reader(yaml).list("upstreams"), ENV));
    }

    private static ConfigReader reader(String yaml) {
        return ConfigReader.of(Config.just(ConfigSources.create(yaml, MediaTypes.APPLICATION_X_YAML)));
    }
}
