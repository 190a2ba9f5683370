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
 *   threads: 256              # platform threads running in-process guests (1-256; default 256): one per program,
 *                             # running or waiting on a tool call; out-of-process engines (deno) get a lane of the
 *                             # same size of their own
 *   running: 8                # of those, how many run guest code at once (1-256; default: 4 per core, at least 8);
 *                             # a program waiting on a tool call gives its turn to another
 *   queue: 64                 # executions waiting for a thread in each lane; more get -32000 busy (0-10000)
 *   per-key: 4                # executions one key may have running or waiting for a thread at once; more wait
 *                             # for one of them to end, within their wall limit (1-256; default: half the threads)
 *   default:                  # the engine per language when a request names none
 *     javascript: graaljs
 *   deno:                     # any other key: the settings of the engine of that name
 *     pool-size: 2
 * </pre>
 *
 * @param enabled  the engines to start, empty for all found
 * @param threads  guest threads per lane
 * @param running  in-process programs running guest code at once (the others wait on tool calls or for a turn)
 * @param queue    waiting executions per lane
 * @param perKey   executions of one key at once
 * @param defaults engine per language
 * @param settings each engine's own settings node, by engine name
 */
public record ExecutorsConfig(Optional<List<String>> enabled, int threads, int running, int queue, int perKey,
                              Map<Language, String> defaults, Map<String, ConfigReader> settings) {
    private static final Set<String> OWN_KEYS = Set.of("enabled", "threads", "running", "queue", "per-key",
                                                     "default");

    /**
     * Guest threads by default: as many as allowed. A program waiting on a tool call holds its thread (its engine's
     * context is bound to it) but not a turn to run ({@link #running}), so threads bound how many programs may wait at
     * once, not how much CPU they take; an idle platform thread costs little.
     */
    static int defaultThreads() {
        return 256;
    }

    /** Programs running guest code at once by default: four per core, at least eight. */
    static int defaultRunning() {
        return Math.clamp(4L * Runtime.getRuntime().availableProcessors(), 8, 256);
    }

    /** A fair share: one key never holds more than half the threads, so another key always finds some free. */
    static int defaultPerKey(int threads) {
        return Math.max(1, threads / 2);
    }

    public ExecutorsConfig {
        defaults = Map.copyOf(defaults);
        settings = Map.copyOf(settings);
    }

    /** The settings node of engine {@code name}, empty when configuration has none. */
    public ConfigReader settings(String name) {
        return settings.getOrDefault(name, ConfigReader.empty());
    }

    /** Every engine found, the default threads and fair share, a queue of 64. */
    public static ExecutorsConfig standard() {
        return new ExecutorsConfig(Optional.empty(), defaultThreads(), defaultRunning(), 64,
                                   defaultPerKey(defaultThreads()), Map.of(), Map.of());
    }

    /** Reads the {@code executors} node. */
    public static ExecutorsConfig from(ConfigReader node) {
        Optional<List<String>> enabled = node.has("enabled") ? Optional.of(node.strings("enabled", List.of()))
                                                             : Optional.empty();
        int threads = node.integer("threads", defaultThreads(), 1, 256);
        int running = node.integer("running", Math.min(threads, defaultRunning()), 1, 256);
        int queue = node.integer("queue", 64, 0, 10_000);
        int perKey = node.integer("per-key", defaultPerKey(threads), 1, 256);
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
        return new ExecutorsConfig(enabled, threads, running, queue, perKey, defaults, settings);
    }
}
