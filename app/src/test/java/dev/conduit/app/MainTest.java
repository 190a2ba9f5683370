package dev.conduit.app;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MainTest {

    @Test
    void configFlagNamesTheFile() {
        assertThat(Main.parse(new String[] {"--config", "x.yaml"}), is(Optional.of(Path.of("x.yaml"))));
    }

    @Test
    void defaultIsTheInstallationsConfig() {
        assertThat(Main.parse(new String[0]).orElseThrow().endsWith(Path.of("config", "conduit.yaml")), is(true));
    }

    @Test
    void unknownArgumentsAndMissingValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--config"}));
    }
}
