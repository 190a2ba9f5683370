package dev.conduit.core.jsonrpc;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

/** What an oversized message is, told from its ends as the official SDKs order their members. */
class OversizedMessageTest {
    private static final String BULK = "{\"content\":[{\"type\":\"text\",\"text\":\"" + "x".repeat(3000) + "\"}]}";

    @Test
    void anAnswerWithItsIdLastAsTheTypeScriptSdkWritesIt() {
        assertThat(of("{\"result\":" + BULK + ",\"jsonrpc\":\"2.0\",\"id\":42}"),
                   is(new OversizedMessage.Response(JsonRpcId.of(42))));
        assertThat(of("{\"result\":" + BULK + ",\"id\":\"a \\\"b\\\"\", \"jsonrpc\":\"2.0\"}\r"),
                   is(new OversizedMessage.Response(JsonRpcId.of("a \"b\""))));
    }

    @Test
    void anAnswerWithItsIdFirst() {
        assertThat(of(" { \"jsonrpc\" : \"2.0\", \"id\" : 7, \"result\" : " + BULK + "}"),
                   is(new OversizedMessage.Response(JsonRpcId.of(7))));
        assertThat(of("{\"id\":7,\"error\":{\"code\":-32603,\"message\":\"" + "m".repeat(3000) + "\"}}"),
                   is(new OversizedMessage.Response(JsonRpcId.of(7))));
    }

    @Test
    void requestsAndNotifications() {
        assertThat(of("{\"method\":\"sampling/createMessage\",\"params\":" + BULK + ",\"jsonrpc\":\"2.0\",\"id\":3}"),
                   is(new OversizedMessage.Request(JsonRpcId.of(3), "sampling/createMessage")));
        assertThat(of("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":" + BULK + "}"),
                   is(new OversizedMessage.Notification("notifications/message")));
    }

    /** An id inside the result, at its very end, or a string that reads like one, is not the message's own. */
    @Test
    void idsThatAreNotTheMessagesOwnAreNotTaken() {
        assertThat(of("{\"result\":{\"items\":[" + BULK + "],\"id\":5}}"), instanceOf(OversizedMessage.Unknown.class));
        assertThat(of("{\"result\":{\"text\":\"" + "x".repeat(3000) + ",\\\"id\\\":5}\"}}"),
                   instanceOf(OversizedMessage.Unknown.class));
        assertThat(of("{\"result\":{\"text\":\"" + "x".repeat(3000) + "\",\"id\":5}}"),
                   instanceOf(OversizedMessage.Unknown.class));
    }

    @Test
    void whatIsNotOneJsonRpcObjectIsUnknown() {
        assertThat(of("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + BULK + "}]"),
                   instanceOf(OversizedMessage.Unknown.class));
        assertThat(of("x".repeat(5000)), instanceOf(OversizedMessage.Unknown.class));
        assertThat(of("{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":" + BULK + "}"),
                   instanceOf(OversizedMessage.Unknown.class));
        assertThat(of("{\"result\":" + BULK + ",\"method\":\"x\",\"id\":1}"), instanceOf(OversizedMessage.Unknown.class));
    }

    /** The message as the reader keeps it: its first and last 1,024 bytes. */
    private static OversizedMessage of(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        byte[] head = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 1024));
        byte[] tail = java.util.Arrays.copyOfRange(bytes, Math.max(0, bytes.length - 1024), bytes.length);
        if (tail.length > 0 && tail[tail.length - 1] == '\r') {
            tail = java.util.Arrays.copyOf(tail, tail.length - 1);
        }
        return OversizedMessage.of(head, tail);
    }
}
