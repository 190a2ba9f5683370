package dev.conduit.core.tool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools the server offers, in a stable order (pagination relies on it). Implementations are thread-safe. The
 * caller's allow-list is applied by the gateway, not here, so that every path to a tool asks the same policy.
 */
public interface ToolCatalog {

    /** All tools, in a stable order. */
    List<Tool> tools();

    /**
     * The tools known now, without waiting for a source that has not listed yet (an upstream still starting): for a
     * reader that may do without them. By default {@link #tools()}.
     */
    default List<Tool> listed() {
        return tools();
    }

    /** The tool exposed as {@code name}, if there is one. */
    Optional<Tool> find(String name);

    /**
     * A tool that was not listed but may still exist at its upstream ({@code <namespace>__<tool>} of a known
     * upstream). Only asked in permissive mode; the default has none.
     */
    default Optional<Tool> unlisted(String name) {
        return Optional.empty();
    }

    /**
     * The namespace a program addresses {@code tool} under ({@code tools.<namespace>.<tool>}, {@code "<namespace>.<tool>"}):
     * its upstream's configured prefix, or the upstream id when the upstream publishes without one. By default the id.
     */
    default String namespaceOf(Tool tool) {
        return tool.namespace();
    }

    /** A catalog of a fixed set of tools; names must be unique. */
    static ToolCatalog of(List<Tool> tools) {
        Map<String, Tool> byName = new LinkedHashMap<>();
        for (Tool tool : tools) {
            if (byName.putIfAbsent(tool.definition().name(), tool) != null) {
                throw new IllegalArgumentException("duplicate tool name " + tool.definition().name());
            }
        }
        List<Tool> ordered = List.copyOf(byName.values());
        return new ToolCatalog() {
            @Override
            public List<Tool> tools() {
                return ordered;
            }

            @Override
            public Optional<Tool> find(String name) {
                return Optional.ofNullable(byName.get(name));
            }
        };
    }

    /** A catalog without tools. */
    static ToolCatalog empty() {
        return of(List.of());
    }
}
