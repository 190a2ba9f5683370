package dev.conduit.app;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class StartupCacheTest {
    private static final List<String> INSTALLED = List.of("graaljs", "graalpy", "deno", "rhino");

    @Test
    void everyEngineIsTheBuildsCache() {
        assertThat(StartupCache.name(INSTALLED, INSTALLED), is("conduit"));
        assertThat(StartupCache.name(List.of("rhino", "deno", "graalpy", "graaljs"), INSTALLED), is("conduit"));
    }

    @Test
    void fewerEnginesNameTheirOwnInTheOrderTheyAreInstalled() {
        assertThat(StartupCache.name(List.of("rhino"), INSTALLED), is("conduit-rhino"));
        assertThat(StartupCache.name(List.of("rhino", "graaljs", "deno"), INSTALLED), is("conduit-graaljs-deno-rhino"));
        assertThat(StartupCache.name(List.of("graaljs", "deno", "rhino"), INSTALLED), is("conduit-graaljs-deno-rhino"));
    }
}
