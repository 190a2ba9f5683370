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

    /** The bound is never below the text's UTF-8 size, whatever the node holds, and near it for plain arguments. */
    @Test
    void maxBytesIsNeverBelowTheTextsUtf8Size() {
        var arguments = Json.object();
        arguments.put("message", "plain text").put("n", -1234567890123L).put("x", 1.5e-300).put("ok", true).putNull("none");
        arguments.putArray("items").add(1).add("two").addObject().put("k\u0001\u00e9\u20ac\ud83d\ude00", "\"\\\n\u0000");
        arguments.putArray("empty");
        arguments.putObject("nested").putObject("deeper").put("emoji", "\ud83d\ude00".repeat(100));
        for (var node : java.util.List.of(arguments, Json.object(), Json.array(), arguments.get("items"),
                                          arguments.get("nested"), Json.mapper().getNodeFactory().stringNode(""))) {
            long exact = Json.mapper().writeValueAsBytes(node).length;
            assertThat(node.toString(), Json.maxBytes(node) >= exact, is(true));
        }
        var plain = Json.object().put("message", "hello world").put("count", 3);
        assertThat(Json.maxBytes(plain) <= 6 * Json.mapper().writeValueAsBytes(plain).length, is(true));
        // A number whose text it cannot bound cheaply sends the caller to the exact size.
        var big = Json.object().put("d", new java.math.BigDecimal("1E+1000"));
        assertThat(Json.maxBytes(big), is(Long.MAX_VALUE));
    }
}
