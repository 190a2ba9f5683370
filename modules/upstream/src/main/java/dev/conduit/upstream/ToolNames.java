package dev.conduit.upstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names tools are exposed under: {@code <upstream>__<tool>}, made to fit {@code ^[a-zA-Z0-9_-]{1,64}$}.
 * <ol>
 *     <li>Every character outside {@code [a-zA-Z0-9_-]} becomes {@code _} ({@code files__read.file} →
 *     {@code files__read_file}).</li>
 *     <li>A name longer than 64 keeps its first 55 characters, then {@code _} and the first 8 hex digits of the
 *     SHA-256 of {@code <upstream>/<tool>} (the original, unsanitized names).</li>
 *     <li>Names are assigned in a fixed order (upstreams in configuration order, tools by original name); a tool
 *     whose name is already taken gets the same hash suffix as in rule 2, so the result never depends on the order
 *     in which an upstream lists its tools.</li>
 * </ol>
 * The original names are kept for routing and allow-lists.
 */
final class ToolNames {
    static final int MAX_LENGTH = 64;
    private static final int KEEP = MAX_LENGTH - 9;

    private ToolNames() {
    }

    /** One tool before naming. */
    record Key(String upstream, String tool) {
    }

    /** Exposed names for {@code keys}, which must already be in the fixed order. */
    static Map<Key, String> assign(List<Key> keys) {
        Map<Key, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (Key key : keys) {
            String name = fit(key);
            if (!taken.add(name)) {
                name = suffixed(sanitize(key.upstream() + "__" + key.tool()), key);
                int counter = 2;
                while (!taken.add(name)) {
                    name = suffixed(sanitize(key.upstream() + "__" + key.tool()) + counter++, key);
                }
            }
            names.put(key, name);
        }
        return names;
    }

    static String fit(Key key) {
        String sanitized = sanitize(key.upstream() + "__" + key.tool());
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
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((key.upstream() + "/" + key.tool()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
