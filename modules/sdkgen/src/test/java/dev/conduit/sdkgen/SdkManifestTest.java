package dev.conduit.sdkgen;

import java.util.ArrayList;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;

/** The manifest is made once per set of tools and follows the tools when they change. */
class SdkManifestTest {

    @Test
    void theSameToolsGetTheManifestMadeBeforeAndOtherToolsTheirOwn() {
        List<SdkManifest.Entry> tools = new ArrayList<>(List.of(
                new SdkManifest.Entry("files__read_file", "files", "read_file", "Reads a file")));
        String first = SdkManifest.json(tools);
        String again = SdkManifest.json(List.copyOf(tools));
        assertThat("made once", again, sameInstance(first));
        JsonNode parsed = Json.mapper().readTree(first);
        assertThat(parsed.at("/0/name").asString(), is("files__read_file"));
        assertThat(parsed.at("/0/identifier").asString(), is("read_file"));

        tools.add(new SdkManifest.Entry("files__list_directory", "files", "list_directory", "Lists a folder"));
        String grown = SdkManifest.json(tools);
        assertThat(grown, not(first));
        assertThat(Json.mapper().readTree(grown).size(), is(2));
        assertThat("the caller's list changing later changes nothing made", SdkManifest.json(List.of(tools.get(0))),
                   sameInstance(first));
    }
}
