package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.upstream.UpstreamConfig;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConduitConfigTest {
    private static final Map<String, String> ENV = Map.of("CONDUIT_API_KEY", "0123456789abcdef0123");

    @TempDir
    Path dir;

    @Test
    void shippedConfigLoadsWithSafeDefaults() {
        ConduitConfig config = ConduitConfig.load(Path.of("../config/conduit.yaml"), ENV);
        assertThat(config.server().host(), is("127.0.0.1"));
        assertThat(config.server().port(), is(8080));
        assertThat(config.server().opsPort(), is(9090));
        assertThat(config.server().shutdownGrace(), is(Duration.ofSeconds(10)));
        assertThat(config.auth().enabled(), is(true));
        assertThat(config.auth().apiKeys().getFirst().id(), is("local"));
        // Read-only by default: the demo upstream's tools that change files are not granted.
        List<String> granted = config.auth().apiKeys().getFirst().allowedTools();
        assertThat(granted, hasItems("conduit.*", "files.read_text_file", "files.list_directory"));
        assertThat(granted, not(hasItem("*")));
        // Desktop clients start Conduit from /: the demo upstream runs in the config's folder, its paths relative to it.
        UpstreamConfig.Stdio files = (UpstreamConfig.Stdio) config.upstreams().getFirst().transport();
        assertThat(files.cwd(), is(Optional.of(Path.of("../config").toAbsolutePath().normalize().toString())));
        assertThat(files.args().getLast(), is("../demo/files"));
        assertThat(config.stdioPrincipal().id(), is("local"));
        String writes = "files\\.(write_file|edit_file|move_file|create_directory|\\*)";
        assertThat(granted.stream().filter(tool -> tool.matches(writes)).toList(), is(List.of()));
        assertThat(config.http().path(), is("/mcp"));
    }

    /**
     * The start-up cache's training reads the engines alone: the shipped configuration, whose key's secret is not set
     * where the build trains, enables every engine; a file that names some gives those.
     */
    @Test
    void theEnginesAreReadWithoutTheSecrets() throws Exception {
        assertThat(ConduitConfig.executorsOf(Path.of("../config/conduit.yaml")).enabled(), is(Optional.empty()));
        Path file = dir.resolve("engines.yaml");
        Files.writeString(file, """
                auth:
                  api-keys:
                    - id: k
                      secret: ${NOT_SET_ANYWHERE}
                executors:
                  enabled: [rhino, graaljs]
                """);
        assertThat(ConduitConfig.executorsOf(file).enabled(), is(Optional.of(List.of("rhino", "graaljs"))));
        assertThat(ConduitConfig.executorsOf(dir.resolve("missing.yaml")).enabled(), is(Optional.empty()));
    }

    /**
     * Keys under {@code server} are Conduit's or Helidon's (read from the metadata Helidon ships); anything else there,
     * a typo Helidon would ignore, is pointed out, under each socket too.
     */
    @Test
    void serverKeysNeitherConduitNorHelidonReadsAreTypos() {
        HelidonKeys helidon = HelidonKeys.load(getClass().getClassLoader());
        assertThat(helidon.known(), is(true));
        assertThat(helidon.server(), hasItems("port", "host", "tls", "sockets", "features", "max-payload-size",
                                              "shutdown-grace-period", "connection-options"));
        assertThat(helidon.socket(), hasItems("port", "host", "tls", "name", "max-tcp-connections"));
        assertThat(helidon.socket(), not(hasItem("sockets")));

        ConfigReader server = ConfigReader.of(Config.just(ConfigSources.create("""
                server:
                  port: 0
                  prot: 8081
                  max-payload-size: 1000
                  sockets:
                    - name: ops
                      port: 0
                      bakclog: 10
                      token: ${OPS}
                """, MediaTypes.APPLICATION_X_YAML))).child("server");
        ServerSettings.from(server, Map.of("OPS", "ops-token-0123456789"));
        List<ConfigReader> sockets = server.list("sockets");
        ServerSettings.warnUnknown(server, sockets, helidon);
        assertThat(server.unknownKeys(), is(List.of("prot")));
        assertThat(sockets.getFirst().unknownKeys(), is(List.of("bakclog")));
    }

    @Test
    void emptyFileMeansLoopbackAuthOnAndRequiresKeys() throws Exception {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load("{}\n"));
        assertThat(e.key(), is("auth.api-keys"));
    }

    @Test
    void authOffIsRefusedOnNonLoopbackListener() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load("""
                server:
                  host: 0.0.0.0
                auth:
                  enabled: false
                """));
        assertThat(e.getMessage(), containsString("auth.enabled: may be false only while every listener is bound"));
    }

    @Test
    void authOffIsRefusedWhenOpsSocketIsExposed() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load("""
                server:
                  sockets:
                    - name: ops
                      host: 0.0.0.0
                auth:
                  enabled: false
                """));
        assertThat(e.key(), is("auth.enabled"));
    }

    @Test
    void authOffOnLoopbackIsAccepted() throws Exception {
        assertThat(load("auth:\n  enabled: false\n").auth().enabled(), is(false));
    }

    /** cluster.secret is a secret like an API key: from the environment only, long enough, with the fix. */
    @Test
    void theClusterSecretComesFromTheEnvironment() throws Exception {
        String yaml = """
                auth:
                  enabled: false
                cluster:
                  secret: %s
                  session-max-age: 2h
                """;
        assertThat(assertThrows(InvalidConfigException.class, () -> load(yaml.formatted("written-in-the-file-0123456789")))
                           .getMessage(), containsString("cluster.secret: must reference an environment variable"));
        assertThat(assertThrows(InvalidConfigException.class, () -> load(yaml.formatted("${CONDUIT_CLUSTER_SECRET}")))
                           .getMessage(), containsString("export CONDUIT_CLUSTER_SECRET=$(openssl rand -hex 32)"));
        ConduitConfig config = load(yaml.formatted("${CONDUIT_API_KEY}"));
        assertThat(new String(config.cluster().secret().orElseThrow(), java.nio.charset.StandardCharsets.UTF_8),
                   is(ENV.get("CONDUIT_API_KEY")));
        assertThat(config.cluster().sessionMaxAge(), is(Duration.ofHours(2)));
        assertThat(load("auth:\n  enabled: false\n").cluster().secret().isPresent(), is(false));
    }

    @Test
    void badValuesNameTheKeyAndRange() {
        assertThat(assertThrows(InvalidConfigException.class, () -> load("""
                server:
                  port: 99999
                auth:
                  enabled: false
                """)).getMessage(), is("server.port: must be between 0 and 65535, not 99999"));
        assertThat(assertThrows(InvalidConfigException.class, () -> load("""
                auth:
                  enabled: false
                transports:
                  http:
                    max-sessions: 0
                """)).getMessage(), is("transports.http.max-sessions: must be between 1 and 100000, not 0"));
        assertThat(assertThrows(InvalidConfigException.class, () -> load("""
                auth:
                  enabled: false
                limits:
                  page-size: 5000
                """)).key(), is("limits.page-size"));
    }

    @Test
    void connectionKeysHelidonReadsTooMustBeIso8601AndHaveBoundedDefaults() throws Exception {
        InvalidConfigException short1 = assertThrows(InvalidConfigException.class, () -> load("""
                server:
                  idle-connection-timeout: 60s
                auth:
                  enabled: false
                """));
        assertThat(short1.key(), is("server.idle-connection-timeout"));
        assertThat(short1.getMessage(), containsString("PT60S"));
        ServerSettings.Connections defaults = load("auth:\n  enabled: false\n").server().connections();
        assertThat(defaults.maxConnections(), is(1000));
        assertThat(defaults.maxOpsConnections(), is(64));
        assertThat(defaults.idleTimeout(), is(java.time.Duration.ofSeconds(60)));
        assertThat(defaults.headerTimeout(), is(java.time.Duration.ofSeconds(10)));
        assertThat(assertThrows(InvalidConfigException.class, () -> load("""
                server:
                  header-timeout: 0s
                auth:
                  enabled: false
                """)).key(), is("server.header-timeout"));
        assertThat(load("""
                server:
                  idle-connection-timeout: PT5S
                auth:
                  enabled: false
                """).server().connections().idleTimeout(), is(java.time.Duration.ofSeconds(5)));
    }

    @Test
    void opsSocketIsRequiredWhenSocketsAreListed() {
        assertThat(assertThrows(InvalidConfigException.class, () -> load("""
                server:
                  sockets:
                    - name: admin
                      port: 7000
                auth:
                  enabled: false
                """)).key(), is("server.sockets"));
    }

    @Test
    void stdioUpstreamsRunInTheConfigFolderUnlessTheySayOtherwise() throws Exception {
        ConduitConfig config = load("""
                auth:
                  enabled: false
                upstreams:
                  - id: here
                    command: node
                    args: [server.js]
                  - id: below
                    command: node
                    cwd: servers/below
                  - id: elsewhere
                    command: node
                    cwd: /srv/elsewhere
                  - id: remote
                    type: http
                    url: http://127.0.0.1:9/mcp
                """);
        List<Optional<String>> folders = config.upstreams().stream()
                .map(upstream -> upstream.transport() instanceof UpstreamConfig.Stdio stdio ? stdio.cwd()
                                                                                            : Optional.<String>empty())
                .toList();
        String folder = dir.toAbsolutePath().normalize().toString();
        assertThat(folders, is(List.of(Optional.of(folder), Optional.of(folder + "/servers/below"),
                                       Optional.of("/srv/elsewhere"), Optional.<String>empty())));
    }

    @Test
    void missingFileIsNamed() {
        assertThat(assertThrows(InvalidConfigException.class,
                () -> ConduitConfig.load(dir.resolve("nope.yaml"), ENV)).getMessage(), containsString("nope.yaml"));
    }

    private ConduitConfig load(String yaml) throws Exception {
        Path file = dir.resolve("conduit.yaml");
        Files.writeString(file, yaml);
        return ConduitConfig.load(file, ENV);
    }
}
