package dev.conduit.core.jsonrpc;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class JsonTest {

    @Test
    void lengthIsTheLengthOfTheTextTheNodeWritesAs() {
        var result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", "Echo: \"quoted\"\n\u00e9\u0001 "
                                                                               + "x".repeat(20_000));
        result.put("isError", false).put("n", 1.5e-7);
        assertThat(Json.length(result), is((long) result.toString().length()));
        assertThat(Json.length(Json.object()), is(2L));
    }
}
