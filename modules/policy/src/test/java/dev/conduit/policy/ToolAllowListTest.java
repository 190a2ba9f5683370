package dev.conduit.policy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;

class ToolAllowListTest {

    @ParameterizedTest(name = "{0} on {1}.{2} -> {3}")
    @CsvSource({
            "*, everything, echo, true",
            "everything.*, everything, echo, true",
            "everything.*, everything, a__b, true",
            "everything.*, everythingelse, echo, false",
            "everything.echo, everything, echo, true",
            "everything.echo, everything, get-sum, false",
            "echo, everything, echo, true",
            "echo, other, echo, true",
            "echo, everything, echo2, false",
            "github.api.*, github, api__listRepos, true",
            "github.api.*, github, createIssue, false",
            "github.createIssue, github, createIssue, true",
            "github__*, github, createIssue, true",
            "github__createIssue, github, createIssue, true",
            "github.createIssue.extra, github, createIssue, false",
            "'', github, createIssue, false",
            "github...createIssue, github, createIssue, true",
            "github.*, github, a____b, true",
            "b, github, a____b, true",
            "_b, github, a___b, true",
    })
    void matchesLikeTheOriginal(String pattern, String upstream, String tool, boolean allowed) {
        assertThat(ToolAllowList.of(List.of(pattern)).allows(upstream, tool), is(allowed));
        assertThat(ToolAllowList.ofKey(List.of(pattern)).allows(upstream, tool), is(allowed));
    }

    @Test
    void aKeysListIsParsedOnce() {
        List<String> patterns = List.of("fs.*", "everything.echo");
        assertThat(ToolAllowList.ofKey(patterns), sameInstance(ToolAllowList.ofKey(new ArrayList<>(patterns))));
        assertThat(ToolAllowList.ofKey(patterns).patterns(), is(patterns));
    }

    @ParameterizedTest
    @CsvSource({"everything, echo", "fs, read_file"})
    void emptyListAllowsNothingAndAllAllowsEverything(String upstream, String tool) {
        assertThat(ToolAllowList.of(List.of()).allows(upstream, tool), is(false));
        assertThat(ToolAllowList.all().allows(upstream, tool), is(true));
    }

    @ParameterizedTest
    @CsvSource({"fs, read_file, true", "everything, echo, true", "everything, get-sum, false"})
    void anyPatternSuffices(String upstream, String tool, boolean allowed) {
        assertThat(ToolAllowList.of(List.of("fs.*", "everything.echo")).allows(upstream, tool), is(allowed));
    }
}
