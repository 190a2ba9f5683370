package dev.conduit.gateway;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.spi.Language;

/**
 * The {@code executors} node.
 * <pre>
 * executors:
 *   enabled: [graaljs]        # engines to start; default: every engine found
 *   threads: 2                # platform threads running guests (1-256; default: the number of cores)
 *   queue: 64                 # executions waiting for a thread; more get -32000 busy (0-10000)
 *   default:                  # the engine per language when a request names none
 *     javascript: graaljs
 *   deno:                     # any other key: the settings of the engine of that name
 *     pool-size: 2
 * </pre>
 *
 * @param enabled  the engines to start, empty for all found
 * @param threads  guest threads
 * @param queue    waiting executions
 * @param defaults engine per language
 * @param settings each engine's own settings node, by engine name
 */
public record ExecutorsConfig(Optional<List<String>> enabled, int threads, int queue, Map<Language, String> defaults,
                              Map<String, ConfigReader> settings) {
    private static final Set<String> OWN_KEYS = Set.of("enabled", "threads", "queue", "default");

    public ExecutorsConfig {
        defaults = Map.copyOf(defaults);
        settings = Map.copyOf(settings);
    }

    /** The settings node of engine {@code name}, empty when configuration has none. */
    public ConfigReader settings(String name) {
        return settings.getOrDefault(name, ConfigReader.empty());
    }

    /** Every engine found, one thread per core, a queue of 64. */
    public static ExecutorsConfig standard() {
        return new ExecutorsConfig(Optional.empty(), Runtime.getRuntime().availableProcessors(), 64, Map.of(),
                                   Map.of());
    }

    /** Reads the {@code executors} node. */
    public static ExecutorsConfig from(ConfigReader node) {
        Optional<List<String>> enabled = node.has("enabled") ? Optional.of(node.strings("enabled", List.of()))
                                                             : Optional.empty();
        int threads = node.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256);
        int queue = node.integer("queue", 64, 0, 10_000);
        Map<Language, String> defaults = new EnumMap<>(Language.class);
        ConfigReader defaultNode = node.child("default");
        for (Language language : Language.values()) {
            defaultNode.string(language.id()).ifPresent(engine -> defaults.put(language, engine));
        }
        for (String key : defaultNode.unknownKeys()) {
            throw new InvalidConfigException(defaultNode.key(key), "is not a language; use javascript, typescript "
                                                                   + "or python");
        }
        Map<String, ConfigReader> settings = new LinkedHashMap<>();
        for (String name : node.childNames()) {
            if (!OWN_KEYS.contains(name)) {
                settings.put(name, node.child(name)); // checked against the installed engines at start
            }
        }
        return new ExecutorsConfig(enabled, threads, queue, defaults, settings);
    }
}
