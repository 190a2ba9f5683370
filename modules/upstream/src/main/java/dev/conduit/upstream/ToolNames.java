package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.conduit.core.Sha256;

/**
 * The names tools (and prompts) are exposed under: {@code <namespace>__<tool>}, where the namespace is the upstream's
 * {@code namespace} (by default its id), or the tool's own name for an upstream whose namespace is empty; made to fit
 * {@code ^[a-zA-Z0-9_-]{1,64}$}.
 * <ol>
 *     <li>Every character outside {@code [a-zA-Z0-9_-]} becomes {@code _} ({@code files__read.file} →
 *     {@code files__read_file}).</li>
 *     <li>A name longer than 64 keeps its first 55 characters, then {@code _} and the first 8 hex digits of the
 *     SHA-256 of {@code <upstream>/<tool>} (the original, unsanitized names).</li>
 *     <li>Names are assigned in a fixed order (upstreams in configuration order, tools by original name); a tool
 *     whose name is already taken gets the same hash suffix as in rule 2, so the result never depends on the order
 *     in which an upstream lists its tools.</li>
 * </ol>
 * An unprefixed name (namespace {@code ""}) that an earlier upstream already published is a configuration error: the
 * later upstream's tool is left out and the error, naming both upstreams, is logged. The original names are kept for
 * routing and allow-lists.
 */
final class ToolNames {
    private static final System.Logger LOGGER = System.getLogger(ToolNames.class.getName());
    static final int MAX_LENGTH = 64;
    private static final int KEEP = MAX_LENGTH - 9;

    private ToolNames() {
    }

    /** One tool before naming. */
    record Key(String upstream, String tool) {
    }

    /** Exposed names for {@code keys}, which must already be in the fixed order; every namespace is the upstream id. */
    static Map<Key, String> assign(List<Key> keys) {
        return assign(keys, upstream -> upstream);
    }

    /** Exposed names for {@code keys}, which must already be in the fixed order, under each upstream's namespace. */
    static Map<Key, String> assign(List<Key> keys, UnaryOperator<String> namespaces) {
        Map<Key, String> names = new LinkedHashMap<>();
        Map<String, Key> taken = new HashMap<>();
        for (Key key : keys) {
            String full = exposed(key, namespaces);
            String name = fit(full, key);
            Key owner = taken.putIfAbsent(name, key);
            if (owner != null) {
                if (namespaces.apply(key.upstream()).isEmpty()) {
                    LOGGER.log(Level.ERROR, "configuration error: upstreams '" + owner.upstream() + "' and '"
                            + key.upstream() + "' both publish '" + name + "' (namespace \"\" publishes names "
                            + "unprefixed); '" + key.upstream() + "/" + key.tool() + "' is left out until one of them "
                            + "gets a namespace");
                    continue;
                }
                name = suffixed(full, key);
                int counter = 2;
                while (taken.putIfAbsent(name, key) != null) {
                    name = suffixed(full + counter++, key);
                }
            }
            names.put(key, name);
        }
        return names;
    }

    private static String exposed(Key key, UnaryOperator<String> namespaces) {
        String namespace = namespaces.apply(key.upstream());
        return sanitize(namespace.isEmpty() ? key.tool() : namespace + "__" + key.tool());
    }

    private static String fit(String sanitized, Key key) {
        return sanitized.length() <= MAX_LENGTH ? sanitized : suffixed(sanitized, key);
    }

    private static String suffixed(String sanitized, Key key) {
        String head = sanitized.length() > KEEP ? sanitized.substring(0, KEEP) : sanitized;
        return head + "_" + hash(key);
    }

    static String sanitize(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                         || c == '-';
            out.append(ok ? c : '_');
        }
        return out.toString();
    }

    private static String hash(Key key) {
        return HexFormat.of().formatHex(Sha256.of(key.upstream() + "/" + key.tool()), 0, 4);
    }
}
