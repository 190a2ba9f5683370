package dev.conduit.core.config;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;

/**
 * Reads one configuration node into typed values, with errors that name the full key and the allowed range, and
 * remembers which child keys were read so that {@link #warnUnknown()} can point out typos. Values come from the
 * configuration as a whole (the file with environment variables and system properties over it: {@code SERVER_PORT}
 * is {@code server.port}); typos are looked for in what the file itself says, so a variable such as
 * {@code SERVER_SOFTWARE} is no unknown key and a misspelt top-level key such as {@code upstream:} is one. Not
 * thread-safe: use it while building a config record at start-up.
 */
public final class ConfigReader {
    private static final System.Logger LOGGER = System.getLogger(ConfigReader.class.getName());
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Config node;
    /** The same node in what the file says, where unknown keys are looked for. */
    private final Config written;
    private final Set<String> known = new LinkedHashSet<>();

    private ConfigReader(Config node, Config written) {
        this.node = node;
        this.written = written;
    }

    /** A reader of {@code node}; a missing node reads as all defaults. Unknown keys are looked for in it too. */
    public static ConfigReader of(Config node) {
        return new ConfigReader(node, node);
    }

    /**
     * A reader of {@code node}, the whole configuration, that looks for unknown keys in {@code written}, the file's
     * own configuration (which keys the environment adds is not the user's spelling).
     */
    public static ConfigReader of(Config node, Config written) {
        return new ConfigReader(node, written);
    }

    /** A reader of no configuration at all: every value its default. */
    public static ConfigReader empty() {
        return of(Config.empty());
    }

    /** The names of this node's children. */
    public List<String> childNames() {
        if (!node.exists() || node.type() != Config.Type.OBJECT) {
            return List.of();
        }
        return node.asNodeList().get().stream().map(Config::name).toList();
    }

    /** The full key of this node, for messages. */
    public String key() {
        return node.key().toString();
    }

    /** The full key of the child {@code name}. */
    public String key(String name) {
        String base = key();
        return base.isEmpty() ? name : base + "." + name;
    }

    /** Whether the node is present in the configuration. */
    public boolean exists() {
        return node.exists();
    }

    /** Whether the child {@code name} is present. */
    public boolean has(String name) {
        known.add(name);
        return node.get(name).exists();
    }

    /** A reader of the child node {@code name}. */
    public ConfigReader child(String name) {
        known.add(name);
        return new ConfigReader(node.get(name), written.get(name));
    }

    /** Readers of the items of the list {@code name}; empty if absent. */
    public List<ConfigReader> list(String name) {
        known.add(name);
        Config list = node.get(name);
        if (!list.exists()) {
            return List.of();
        }
        if (list.type() != Config.Type.LIST) {
            throw new InvalidConfigException(key(name), "must be a list");
        }
        List<ConfigReader> items = new ArrayList<>();
        List<Config> nodes = list.asNodeList().get();
        for (int i = 0; i < nodes.size(); i++) {
            items.add(new ConfigReader(nodes.get(i), written.get(name).get(Integer.toString(i))));
        }
        return items;
    }

    /** The list of strings {@code name}, or {@code defaults}. */
    public List<String> strings(String name, List<String> defaults) {
        known.add(name);
        Config list = node.get(name);
        if (!list.exists()) {
            return defaults;
        }
        if (list.type() != Config.Type.LIST) {
            throw new InvalidConfigException(key(name), "must be a list of strings");
        }
        return List.copyOf(list.asList(String.class).get());
    }

    /** The map of strings {@code name} (an object of scalar values), in file order; empty if absent. */
    public java.util.Map<String, String> stringMap(String name) {
        known.add(name);
        Config map = node.get(name);
        if (!map.exists()) {
            return java.util.Map.of();
        }
        if (map.type() != Config.Type.OBJECT) {
            throw new InvalidConfigException(key(name), "must be a map of names to values");
        }
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        for (Config entry : map.asNodeList().get()) {
            if (entry.type() != Config.Type.VALUE) {
                throw new InvalidConfigException(key(name) + "." + entry.name(), "must be a single value");
            }
            values.put(entry.name(), entry.asString().orElse(""));
        }
        return java.util.Collections.unmodifiableMap(values);
    }

    /** The optional string {@code name}. */
    public Optional<String> string(String name) {
        known.add(name);
        Config value = node.get(name);
        if (!value.exists()) {
            return Optional.empty();
        }
        if (value.type() != Config.Type.VALUE) {
            throw new InvalidConfigException(key(name), "must be a single value");
        }
        return value.asString().asOptional();
    }

    /** The string {@code name}, or {@code defaultValue}. */
    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    /** The string {@code name}, which must be present. */
    public String requiredString(String name) {
        return string(name).filter(s -> !s.isBlank())
                .orElseThrow(() -> new InvalidConfigException(key(name), "is required"));
    }

    /** The boolean {@code name}, or {@code defaultValue}. */
    public boolean bool(String name, boolean defaultValue) {
        return string(name).map(raw -> switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigException(key(name), "must be true or false, not '" + raw + "'");
        }).orElse(defaultValue);
    }

    /** The integer {@code name} within {@code [min, max]}, or {@code defaultValue}. */
    public int integer(String name, int defaultValue, int min, int max) {
        return (int) longValue(name, defaultValue, min, max);
    }

    /** The long {@code name} within {@code [min, max]}, or {@code defaultValue}. */
    public long longValue(String name, long defaultValue, long min, long max) {
        long value = string(name).map(raw -> {
            try {
                return Long.parseLong(raw.trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(key(name), "must be a whole number between " + min + " and " + max
                                                            + ", not '" + raw + "'");
            }
        }).orElse(defaultValue);
        if (value < min || value > max) {
            throw new InvalidConfigException(key(name), "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /**
     * The duration {@code name} within {@code [min, max]}, or {@code defaultValue}. Accepts ISO-8601
     * ({@code PT30S}) and the short forms {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}.
     */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        Duration value = string(name).map(raw -> parseDuration(key(name), raw)).orElse(defaultValue);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidConfigException(key(name), "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    static Duration parseDuration(String key, String raw) {
        String text = raw.trim();
        Matcher matcher = SHORT_DURATION.matcher(text);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidConfigException(key, "must be a duration such as 30s, 500ms, 5m or PT30S, not '" + raw + "'");
        }
    }

    /** Counts {@code names} as read: keys another component reads from this node (Helidon's under {@code server}). */
    public void allow(Collection<String> names) {
        known.addAll(names);
    }

    /** Logs a warning for every child key that was never read: most often a typo. */
    public void warnUnknown() {
        if (!written.exists() || written.type() != Config.Type.OBJECT) {
            return;
        }
        written.asNodeList().get().stream()
                .map(Config::name)
                .filter(name -> !known.contains(name))
                .forEach(name -> LOGGER.log(Level.WARNING, "Unknown configuration key " + key(name)
                                                           + " is ignored; check its spelling against docs/configuration.md"));
    }

    /** The names of the child keys that were never read, for tests. */
    public List<String> unknownKeys() {
        if (!written.exists() || written.type() != Config.Type.OBJECT) {
            return List.of();
        }
        return written.asNodeList().get().stream().map(Config::name).filter(name -> !known.contains(name)).toList();
    }
}
