package dev.conduit.gateway;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.ExecutorProvider;
import dev.conduit.core.spi.Language;

/**
 * The engines found with {@link ServiceLoader} and enabled by configuration, and which one runs a program: the
 * request's {@code engine}, else the configured default for the language, else the first enabled engine for it in
 * the order {@link #FALLBACK_ORDER} (ServiceLoader's own order depends on the module path, so it decides nothing),
 * skipping those that do not run programs yet.
 */
public final class ExecutorRegistry implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ExecutorRegistry.class.getName());

    /** Which engine runs a language when configuration names none: the fastest and most complete first. */
    static final List<String> FALLBACK_ORDER = List.of("graaljs", "graalpy", "deno", "rhino");

    private final Map<String, Executor> engines;
    private final Map<Language, String> defaults;

    private ExecutorRegistry(Map<String, Executor> engines, Map<Language, String> defaults) {
        this.engines = engines;
        this.defaults = defaults;
    }

    /** Starts the engines {@code config} enables among those found on the module path or classpath. */
    public static ExecutorRegistry start(ExecutorsConfig config) {
        Map<String, ExecutorProvider> found = found();
        List<String> wanted = enabled(config, found);
        for (String name : config.settings().keySet()) {
            if (!found.containsKey(name)) {
                throw new InvalidConfigException("executors." + name, "is neither a setting nor an installed engine; "
                        + "settings: enabled, threads, queue, default; engines: " + found.keySet());
            }
        }
        Map<String, Executor> engines = new LinkedHashMap<>();
        for (String name : wanted) {
            long started = System.nanoTime();
            engines.put(name, found.get(name).create(config.settings(name)));
            LOGGER.log(Level.INFO, "engine " + name + " enabled in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        config.defaults().forEach((language, engine) -> {
            Executor executor = engines.get(engine);
            if (executor == null || !executor.languages().contains(language)) {
                throw new InvalidConfigException("executors.default." + language.id(), "engine '" + engine
                        + "' is not enabled for " + language.id() + "; enabled: " + engines.keySet());
            }
        });
        return new ExecutorRegistry(engines, config.defaults());
    }

    /** The engines installed (found on the module path or classpath), in {@link #FALLBACK_ORDER}. */
    public static List<String> installed() {
        return List.copyOf(found().keySet());
    }

    /**
     * The engines {@code config} enables, without starting them: those it names, else every one installed, in the
     * order they start.
     *
     * @throws InvalidConfigException when it names an engine that is not installed
     */
    public static List<String> enabled(ExecutorsConfig config) {
        return enabled(config, found());
    }

    private static List<String> enabled(ExecutorsConfig config, Map<String, ExecutorProvider> found) {
        List<String> wanted = config.enabled().orElse(List.copyOf(found.keySet()));
        for (String name : wanted) {
            if (!found.containsKey(name)) {
                throw new InvalidConfigException("executors.enabled", "no engine named '" + name + "' is installed; "
                                                                      + "installed: " + found.keySet());
            }
        }
        return wanted;
    }

    /**
     * The providers found, by name, in the fallback order: engines that warm up in the background take turns in the
     * order they are made.
     */
    private static Map<String, ExecutorProvider> found() {
        Map<String, ExecutorProvider> found = new LinkedHashMap<>();
        ServiceLoader.load(ExecutorProvider.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(provider -> fallbackRank(provider.name())))
                .forEach(provider -> found.putIfAbsent(provider.name(), provider));
        return found;
    }

    /** A registry of the given engines, for tests and embedding. */
    public static ExecutorRegistry of(List<Executor> executors) {
        Map<String, Executor> engines = new LinkedHashMap<>();
        executors.forEach(executor -> engines.put(executor.name(), executor));
        return new ExecutorRegistry(engines, Map.of());
    }

    /**
     * Checks an engine a configuration names for a language outside {@code executors} (a key's {@code engines}).
     *
     * @param where    the configuration key, for the message
     * @throws InvalidConfigException when the language is unknown, or the engine is not enabled or does not run it
     */
    public void requireRuns(String where, String language, String engine) {
        Language known = Language.fromId(language).orElseThrow(() -> new InvalidConfigException(where,
                "is not a language; languages: javascript, typescript, python"));
        Executor executor = engines.get(engine);
        if (executor == null || !executor.languages().contains(known)) {
            throw new InvalidConfigException(where, "engine '" + engine + "' is not enabled for " + language
                                                    + "; enabled for it: " + names(known));
        }
    }

    /**
     * The engine for {@code language}, or the one {@code requested}.
     *
     * @throws RpcException -32602 naming the engines that can run the language when there is none
     */
    Executor select(Language language, Optional<String> requested) {
        Executor first = firstChoice(language, requested);
        if (requested.isPresent() || defaults.containsKey(language) || runsNow(first)) {
            return first;
        }
        // While the first choice still warms up after the server's start, another engine that already runs the
        // language takes the program (the answer names it): a configured default is waited for instead.
        return candidates(language).stream().filter(ExecutorRegistry::runsNow).findFirst().orElse(first);
    }

    /**
     * The engine a program goes to once every engine runs: the one it names, the language's configured default, or
     * the first of the language's engines in the fallback order.
     *
     * @throws RpcException -32602 naming the engines that can run the language when there is none
     */
    Executor firstChoice(Language language, Optional<String> requested) {
        if (requested.isPresent()) {
            Executor executor = engines.get(requested.get());
            if (executor == null || !executor.languages().contains(language)) {
                throw new RpcException(JsonRpcError.invalidParams("Unknown or disabled engine '" + requested.get()
                        + "' for " + language.id() + "; available: " + names(language)));
            }
            return executor;
        }
        String preferred = defaults.get(language);
        if (preferred != null) {
            return engines.get(preferred);
        }
        List<Executor> candidates = candidates(language);
        if (candidates.isEmpty()) {
            throw new RpcException(JsonRpcError.of(ErrorCodes.INVALID_PARAMS, "No engine runs " + language.id()
                                                   + " in this server; enabled engines: " + engines.keySet()));
        }
        return candidates.getFirst();
    }

    /** The language's engines in the fallback order. */
    private List<Executor> candidates(Language language) {
        return engines.values().stream()
                .filter(executor -> executor.languages().contains(language))
                .sorted(Comparator.comparingInt(ExecutorRegistry::fallbackRank)).toList();
    }

    /**
     * The engine for a program that names none, chosen once one runs programs: just after the server's start, when
     * none of the language's engines does yet, waits (until {@code deadline}, a {@link System#nanoTime()}) for the
     * first of them to start, rather than for the first in the order. A configured default is not second-guessed.
     */
    Executor selectOnceOneRuns(Language language, long deadline) {
        Executor chosen = select(language, Optional.empty());
        if (runsNow(chosen) || defaults.containsKey(language)) {
            return chosen;
        }
        CompletableFuture<?>[] starts = engines.values().stream()
                .filter(executor -> executor.languages().contains(language))
                .map(Executor::started).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(starts).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // None started in time, or one failed: the choice below says what to do (wait or refuse).
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return select(language, Optional.empty());
    }

    static boolean runsNow(Executor executor) {
        return executor.started().isDone() && !executor.started().isCompletedExceptionally()
               && executor.availability().available();
    }

    private static int fallbackRank(Executor executor) {
        return fallbackRank(executor.name());
    }

    private static int fallbackRank(String engine) {
        int rank = FALLBACK_ORDER.indexOf(engine);
        return rank < 0 ? FALLBACK_ORDER.size() : rank;
    }

    /** Whether some engine runs {@code language}. */
    boolean runs(Language language) {
        return engines.values().stream().anyMatch(executor -> executor.languages().contains(language));
    }

    private List<String> names(Language language) {
        List<String> names = new ArrayList<>();
        engines.forEach((name, executor) -> {
            if (executor.languages().contains(language)) {
                names.add(name);
            }
        });
        return names;
    }

    /** The enabled engines by name. */
    Map<String, Executor> engines() {
        return Map.copyOf(engines);
    }

    /** Each engine's availability, for health. */
    public Map<String, Executor.Availability> availability() {
        Map<String, Executor.Availability> states = new LinkedHashMap<>();
        engines.forEach((name, executor) -> states.put(name, executor.availability()));
        return states;
    }

    @Override
    public void close() {
        // One engine failing to close must not keep the others (and their processes) open.
        engines.forEach((name, executor) -> {
            try {
                executor.close();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "engine " + name + " did not close cleanly: " + e);
            }
        });
    }
}
