package dev.conduit.sdkgen;

import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class IdentifiersTest {

    @ParameterizedTest
    @CsvSource({"get-sum, get_sum, get_sum", "read.file, read_file, read_file", "2fa, _2fa, _2fa",
            "delete, delete_, delete", "class, class_, class_", "raw, raw, raw_", "then, then_, then",
            "'', _, _", "café, caf_, caf_", "ok, ok, ok"})
    void identifiersAreSafeAndStable(String name, String javascript, String python) {
        assertThat(Identifiers.javascript(name), is(javascript));
        assertThat(Identifiers.python(name), is(python));
    }

    @Test
    void hostileTextStaysData() {
        String hostile = "\"); process.exit(1); (\"*/ ${x} `\\n\"\"\" $& \u2028";
        String manifest = SdkManifest.json(List.of(new SdkManifest.Entry("evil__" + hostile, "evil", hostile,
                                                                         hostile)));
        JsonNode parsed = Json.mapper().readTree(manifest);
        assertThat(parsed.get(0).get("local").asString(), is(hostile));
        assertThat(parsed.get(0).get("description").asString(), is(hostile));
        assertThat(parsed.get(0).get("identifier").asString().matches("[A-Za-z0-9_]+"), is(true));
    }
}
