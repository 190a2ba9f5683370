package dev.conduit.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool patterns, with the original Conduit's semantics so that its configurations keep their meaning. A pattern is
 * dot-separated ({@code everything.echo}); {@code __} is accepted as a separator too ({@code everything__*}), which the
 * original silently never matched. A tool is the upstream id followed by the parts of its name split at {@code __}.
 * A tool is allowed when any pattern matches:
 * <ol>
 *     <li>{@code *} alone matches every tool; a pattern ending in {@code .*} matches every tool whose leading parts
 *     equal the pattern's ({@code github.*} matches {@code github.x} and {@code github.a.b}, not
 *     {@code githubenterprise.x});</li>
 *     <li>a single-part pattern matches a tool whose last part equals it ({@code echo} matches
 *     {@code everything.echo});</li>
 *     <li>otherwise the parts must be equal ({@code everything.echo}).</li>
 * </ol>
 * An empty list allows nothing. Immutable and thread-safe.
 */
public final class ToolAllowList {
    private static final ToolAllowList ALL = new ToolAllowList(List.of("*"));
    private static final int MAX_KEY_LISTS = 1024;
    private static final Map<List<String>, ToolAllowList> KEY_LISTS = new ConcurrentHashMap<>();

    private final List<String> patterns;
    private final List<List<String>> parsed;

    private ToolAllowList(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        List<List<String>> parts = new ArrayList<>();
        for (String pattern : this.patterns) {
            parts.add(split(pattern.trim().replace("__", "."), "."));
        }
        this.parsed = List.copyOf(parts);
    }

    /** The list of {@code patterns}. */
    public static ToolAllowList of(List<String> patterns) {
        return new ToolAllowList(Objects.requireNonNull(patterns, "patterns"));
    }

    /**
     * The list of a key's {@code patterns}, parsed once: every request of a key looks its list up, several times
     * (parsing it each time was a tenth of a direct tool call's CPU). For lists from configuration, which are few;
     * a request's own narrowing goes through {@link #of(List)}.
     */
    public static ToolAllowList ofKey(List<String> patterns) {
        ToolAllowList known = KEY_LISTS.get(patterns);
        if (known != null) {
            return known;
        }
        if (KEY_LISTS.size() >= MAX_KEY_LISTS) {
            KEY_LISTS.clear(); // bounded whatever supplies the lists; refilled by the next lookups
        }
        ToolAllowList parsedList = of(patterns);
        KEY_LISTS.put(parsedList.patterns, parsedList);
        return parsedList;
    }

    /** The list that allows every tool. */
    public static ToolAllowList all() {
        return ALL;
    }

    /** The patterns as configured. */
    public List<String> patterns() {
        return patterns;
    }

    /**
     * Whether the tool {@code tool} of upstream {@code upstream} is allowed.
     *
     * @param upstream the upstream id (the namespace)
     * @param tool     the tool's name at the upstream
     */
    public boolean allows(String upstream, String tool) {
        List<String> toolParts = new ArrayList<>();
        toolParts.add(upstream);
        toolParts.addAll(split(tool, "__"));
        for (List<String> pattern : parsed) {
            if (matches(pattern, toolParts)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether some name of upstream {@code upstream} could be allowed: a pattern naming the upstream, {@code *}, or a
     * single-part pattern (which matches a last part of any upstream's names).
     */
    public boolean mayAllowAnyOf(String upstream) {
        return parsed.stream().anyMatch(pattern -> !pattern.isEmpty()
                && (pattern.size() == 1 || pattern.getFirst().equals(upstream)));
    }

    private static boolean matches(List<String> pattern, List<String> tool) {
        if (pattern.isEmpty()) {
            return false;
        }
        if (pattern.getLast().equals("*")) {
            List<String> prefix = pattern.subList(0, pattern.size() - 1);
            return tool.size() > prefix.size() && tool.subList(0, prefix.size()).equals(prefix);
        }
        if (pattern.size() == 1 && tool.size() > 1) {
            return pattern.getFirst().equals(tool.getLast());
        }
        return pattern.equals(tool);
    }

    /** The non-empty parts of {@code value} between occurrences of {@code separator} (a plain string). */
    private static List<String> split(String value, String separator) {
        List<String> parts = new ArrayList<>(4);
        int start = 0;
        for (int at = value.indexOf(separator); at >= 0; at = value.indexOf(separator, start)) {
            if (at > start) {
                parts.add(value.substring(start, at));
            }
            start = at + separator.length();
        }
        if (start < value.length()) {
            parts.add(value.substring(start));
        }
        return parts;
    }

    @Override
    public String toString() {
        return "ToolAllowList" + patterns;
    }
}
