package dev.conduit.gateway;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * </pre>
 *
 * @param enabled  the engines to start, empty for all found
 * @param threads  guest threads
 * @param queue    waiting executions
 * @param defaults engine per language
 */
public record ExecutorsConfig(Optional<List<String>> enabled, int threads, int queue, Map<Language, String> defaults) {
    public ExecutorsConfig {
        defaults = Map.copyOf(defaults);
    }

    /** Every engine found, one thread per core, a queue of 64. */
    public static ExecutorsConfig standard() {
        return new ExecutorsConfig(Optional.empty(), Runtime.getRuntime().availableProcessors(), 64, Map.of());
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
        node.warnUnknown();
        return new ExecutorsConfig(enabled, threads, queue, defaults);
    }
}
