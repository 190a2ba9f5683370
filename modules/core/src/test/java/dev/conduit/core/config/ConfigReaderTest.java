package dev.conduit.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigReaderTest {

    @Test
    void readsTypedValuesWithDefaults() {
        ConfigReader node = reader("""
                a:
                  port: 8080
                  enabled: true
                  grace: 30s
                  iso: PT2M
                  names: [x, y]
                """).child("a");
        assertThat(node.integer("port", 1, 0, 65535), is(8080));
        assertThat(node.integer("missing", 1, 0, 65535), is(1));
        assertThat(node.bool("enabled", false), is(true));
        assertThat(node.duration("grace", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)), is(Duration.ofSeconds(30)));
        assertThat(node.duration("iso", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)), is(Duration.ofMinutes(2)));
        assertThat(node.strings("names", List.of()), is(List.of("x", "y")));
    }

    @Test
    void outOfRangeNamesKeyAndRange() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> reader("a:\n  port: 70000\n").child("a").integer("port", 1, 0, 65535));
        assertThat(e.getMessage(), is("a.port: must be between 0 and 65535, not 70000"));
        assertThat(e.key(), is("a.port"));
    }

    @Test
    void wrongTypesNameKey() {
        ConfigReader node = reader("a:\n  port: eighty\n  enabled: maybe\n  grace: soon\n").child("a");
        assertThat(assertThrows(InvalidConfigException.class, () -> node.integer("port", 1, 0, 9)).getMessage(),
                   containsString("a.port: must be a whole number"));
        assertThat(assertThrows(InvalidConfigException.class, () -> node.bool("enabled", true)).getMessage(),
                   containsString("a.enabled: must be true or false"));
        assertThat(assertThrows(InvalidConfigException.class,
                () -> node.duration("grace", Duration.ZERO, Duration.ZERO, Duration.ofDays(1))).getMessage(),
                   containsString("a.grace: must be a duration"));
    }

    @Test
    void unreadKeysAreReportedAsUnknown() {
        ConfigReader node = reader("a:\n  port: 1\n  prot: 2\n").child("a");
        node.integer("port", 1, 0, 9);
        assertThat(node.unknownKeys(), is(List.of("prot")));
    }

    /** Keys other sources add (SERVER_SOFTWARE is server.software) are not typos; the file's own misspellings are. */
    @Test
    void unknownKeysAreLookedForInWhatTheFileSays() {
        String yaml = "a:\n  port: 1\n  prot: 2\nitems:\n  - name: x\n    nmae: y\nupstream: []\n";
        Config merged = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .sources(ConfigSources.create(Map.of("a.software", "apache", "path", "/bin")),
                         ConfigSources.create(yaml, MediaTypes.APPLICATION_X_YAML))
                .build();
        ConfigReader root = ConfigReader.of(merged, Config.just(ConfigSources.create(yaml, MediaTypes.APPLICATION_X_YAML)));
        ConfigReader a = root.child("a");
        a.integer("port", 1, 0, 9);
        ConfigReader item = root.list("items").getFirst();
        item.string("name");
        assertThat(a.unknownKeys(), is(List.of("prot")));
        assertThat(item.unknownKeys(), is(List.of("nmae")));
        assertThat(root.unknownKeys(), is(List.of("upstream")));
    }

    @Test
    void requiredStringIsRequired() {
        assertThat(assertThrows(InvalidConfigException.class,
                () -> reader("a:\n  x: 1\n").child("a").requiredString("id")).getMessage(), is("a.id: is required"));
    }

    private static ConfigReader reader(String yaml) {
        return ConfigReader.of(Config.just(ConfigSources.create(yaml, MediaTypes.APPLICATION_X_YAML)));
    }
}
