package dev.conduit.app;

import java.util.List;

/**
 * Which start-up cache (the JVM's ahead-of-time cache, {@code aot/<name>.aot}) fits a configuration. The JVM loads
 * every class a cache holds when it starts, whether the engine they belong to is enabled or not, so a cache recorded
 * with every engine costs a server that enables fewer the memory of the others (measured without GraalPy: 256-262 MiB
 * resident idle with the cache of every engine, 176-178 MiB with one recorded for its own engines). The build records
 * {@value #EVERY_ENGINE}; {@code bin/conduit --train --config FILE} records the one a configuration's engines name.
 */
final class StartupCache {
    /** The cache of every installed engine, which the build records. */
    static final String EVERY_ENGINE = "conduit";

    private StartupCache() {
    }

    /**
     * The cache's name for {@code enabled} engines: {@value #EVERY_ENGINE} when they are every one installed, else
     * {@code conduit-} and their names in the order they are installed in ({@code conduit-graaljs-rhino}), so that
     * the order a configuration lists them in does not matter.
     */
    static String name(List<String> enabled, List<String> installed) {
        if (enabled.containsAll(installed)) {
            return EVERY_ENGINE;
        }
        StringBuilder name = new StringBuilder(EVERY_ENGINE);
        installed.stream().filter(enabled::contains).forEach(engine -> name.append('-').append(engine));
        return name.toString();
    }
}
