package dev.conduit.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class ToolNamesTest {
    private static final String VALID = "[a-zA-Z0-9_-]{1,64}";

    @Test
    void plainNamesArePrefixedWithTheUpstream() {
        Map<ToolNames.Key, String> names = ToolNames.assign(List.of(key("everything", "get-sum"), key("fs", "read")));
        assertThat(names.get(key("everything", "get-sum")), is("everything__get-sum"));
        assertThat(names.get(key("fs", "read")), is("fs__read"));
    }

    @Test
    void aNamespaceReplacesTheIdAndAnEmptyOneLeavesNamesAsTheyAre() {
        Map<String, String> namespaces = Map.of("files", "fs", "fixture", "");
        Map<ToolNames.Key, String> names = ToolNames.assign(List.of(key("files", "read"), key("fixture", "test.x")),
                                                            namespaces::get);
        assertThat(names.get(key("files", "read")), is("fs__read"));
        assertThat(names.get(key("fixture", "test.x")), is("test_x"));
    }

    @Test
    void anUnprefixedNameTwoUpstreamsPublishIsLeftOutOfTheLaterOne() {
        Map<ToolNames.Key, String> names = ToolNames.assign(List.of(key("a", "echo"), key("b", "echo"), key("b", "sum")),
                                                            upstream -> "");
        assertThat(names.get(key("a", "echo")), is("echo"));
        assertThat(names.containsKey(key("b", "echo")), is(false));
        assertThat(names.get(key("b", "sum")), is("sum"));
    }

    @Test
    void invalidCharactersBecomeUnderscores() {
        assertThat(ToolNames.assign(List.of(key("fs", "read.file/v2 now"))).get(key("fs", "read.file/v2 now")),
                   is("fs__read_file_v2_now"));
    }

    @Test
    void longNamesAreCutWithAStableHash() {
        String tool = "x".repeat(100);
        String name = ToolNames.assign(List.of(key("fs", tool))).get(key("fs", tool));
        assertThat(name.length(), is(64));
        assertThat(name.matches(VALID), is(true));
        assertThat(ToolNames.assign(List.of(key("fs", tool))).get(key("fs", tool)), is(name));
    }

    @Test
    void collisionsGetDistinctNamesWhateverTheOrder() {
        List<ToolNames.Key> keys = new ArrayList<>(List.of(key("fs", "read.file"), key("fs", "read_file"),
                                                           key("fs", "read/file")));
        Map<ToolNames.Key, String> first = ToolNames.assign(keys);
        assertThat(first.get(key("fs", "read.file")), is("fs__read_file"));
        assertThat(first.get(key("fs", "read_file")), not(first.get(key("fs", "read.file"))));
        assertThat(first.get(key("fs", "read/file")), not(first.get(key("fs", "read_file"))));
        first.values().forEach(name -> assertThat(name, name.matches(VALID), is(true)));

        // The catalog sorts tools by original name before assigning, so a server listing in another order gets the
        // same names; a collision's suffix depends only on the tool's own names.
        Collections.reverse(keys);
        Map<ToolNames.Key, String> reversed = ToolNames.assign(keys.stream().sorted(
                java.util.Comparator.comparing(ToolNames.Key::tool)).toList());
        Map<ToolNames.Key, String> sorted = ToolNames.assign(keys.stream().sorted(
                java.util.Comparator.comparing(ToolNames.Key::tool)).toList());
        assertThat(reversed, is(sorted));
    }

    private static ToolNames.Key key(String upstream, String tool) {
        return new ToolNames.Key(upstream, tool);
    }
}
