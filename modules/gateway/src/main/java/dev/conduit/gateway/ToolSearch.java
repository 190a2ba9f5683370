package dev.conduit.gateway;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.conduit.core.tool.Tool;

/**
 * The one search over tools, for every way of asking ({@code conduit__search_tools}, a program's
 * {@code discoverMCPTools}): a query is split into words; a tool matches when its name or description contains any of
 * them, and ranks by how many (a word in the name counts three, in the description one), then by name. An empty query
 * matches every tool, in name order.
 */
final class ToolSearch {
    private ToolSearch() {
    }

    /** The tools of {@code candidates} that match {@code query}, best first. */
    static List<Tool> rank(List<Tool> candidates, String query) {
        List<String> words = Arrays.stream(query.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"))
                .filter(word -> !word.isEmpty()).toList();
        record Hit(Tool tool, int score) {
        }
        return candidates.stream()
                .map(tool -> new Hit(tool, score(tool, words)))
                .filter(hit -> words.isEmpty() || hit.score() > 0)
                .sorted(Comparator.comparingInt(Hit::score).reversed()
                                .thenComparing(hit -> hit.tool().definition().name()))
                .map(Hit::tool)
                .toList();
    }

    private static int score(Tool tool, List<String> words) {
        String name = tool.definition().name().toLowerCase(Locale.ROOT);
        String description = tool.definition().description().toLowerCase(Locale.ROOT);
        int score = 0;
        for (String word : words) {
            if (name.contains(word)) {
                score += 3;
            } else if (description.contains(word)) {
                score += 1;
            }
        }
        return score;
    }
}
