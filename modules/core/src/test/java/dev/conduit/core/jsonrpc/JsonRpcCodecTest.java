package dev.conduit.core.jsonrpc;

import java.nio.charset.StandardCharsets;

import dev.conduit.core.jsonrpc.JsonRpcCodec.Decoded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

class JsonRpcCodecTest {

    @Test
    void decodesRequestWithStringOrNumberId() {
        JsonRpcRequest request = request("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"}");
        assertThat(request.id(), is(JsonRpcId.of("a")));
        assertThat(request.params().isObject(), is(true));
        assertThat(request("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}").id(), is(JsonRpcId.of(7)));
    }

    @Test
    void decodesNotificationAndResponses() {
        assertThat(single("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                   instanceOf(JsonRpcNotification.class));
        assertThat(single("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"), instanceOf(JsonRpcResponse.Success.class));
        JsonRpcMessage failure = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,\"message\":\"no\"}}");
        assertThat(((JsonRpcResponse.Failure) failure).error().code(), is(-1));
    }

    @Test
    void invalidJsonIsParseErrorWithNullId() {
        Decoded.Malformed malformed = malformed("{\"jsonrpc\":");
        assertThat(malformed.error().code(), is(ErrorCodes.PARSE_ERROR));
        assertThat(malformed.id(), is(JsonRpcId.NULL));
    }

    @Test
    void trailingGarbageAndDuplicateKeysAreParseErrors() {
        assertThat(malformed("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x").error().code(),
                   is(ErrorCodes.PARSE_ERROR));
        assertThat(malformed("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}").error().code(),
                   is(ErrorCodes.PARSE_ERROR));
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 10) + "]".repeat(Json.MAX_NESTING_DEPTH + 10);
        assertThat(malformed(deep).error().code(), is(ErrorCodes.PARSE_ERROR));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
            "{\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":3}",
            "{\"jsonrpc\":\"2.0\",\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"x\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"x\"}}",
            "42",
            "[]"
    })
    void structurallyWrongMessagesAreInvalidRequests(String input) {
        assertThat(input, malformed(input).error().code(), is(ErrorCodes.INVALID_REQUEST));
    }

    @Test
    void invalidRequestKeepsReadableId() {
        assertThat(malformed("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}").id(), is(JsonRpcId.of(5)));
    }

    @Test
    void batchDecodesEachItem() {
        Decoded decoded = JsonRpcCodec.decode(bytes("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}, 3]"));
        Decoded.Batch batch = (Decoded.Batch) decoded;
        assertThat(batch.items().size(), is(2));
        assertThat(batch.items().get(0), instanceOf(Decoded.Single.class));
        assertThat(batch.items().get(1), instanceOf(Decoded.Malformed.class));
    }

    @Test
    void encodesEveryKind() {
        String success = new String(JsonRpcCodec.encode(JsonRpcResponse.success(JsonRpcId.of(1), Json.object())),
                                    StandardCharsets.UTF_8);
        assertThat(success, is("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
        String failure = new String(JsonRpcCodec.encode(JsonRpcResponse.failure(JsonRpcId.NULL,
                JsonRpcError.parseError("bad"))), StandardCharsets.UTF_8);
        assertThat(failure, is("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"bad\"}}"));
        String notification = new String(JsonRpcCodec.encode(new JsonRpcNotification("n", Json.object())),
                                         StandardCharsets.UTF_8);
        assertThat(notification, is("{\"jsonrpc\":\"2.0\",\"method\":\"n\"}"));
    }

    @Test
    void roundTripsThroughEncodeAndDecode() {
        JsonRpcRequest original = new JsonRpcRequest(JsonRpcId.of("x"), "tools/call",
                                                     Json.mapper().readTree("{\"name\":\"a\",\"arguments\":{\"n\":[1,2]}}"));
        assertThat(single(new String(JsonRpcCodec.encode(original), StandardCharsets.UTF_8)), is(original));
    }

    @Test
    void internalErrorNamesCorrelationIdOnly() {
        JsonRpcError error = ErrorMapper.toError(new IllegalStateException("/etc/secret"), "cid-1");
        assertThat(error.code(), is(ErrorCodes.INTERNAL_ERROR));
        assertThat(error.message(), containsString("cid-1"));
        assertThat(error.message().contains("/etc/secret"), is(false));
        RpcException expected = new RpcException(JsonRpcError.invalidParams("bad name"));
        assertThat(ErrorMapper.toError(expected, "cid-2").message(), is("bad name"));
    }

    private static JsonRpcRequest request(String json) {
        return (JsonRpcRequest) single(json);
    }

    private static JsonRpcMessage single(String json) {
        return ((Decoded.Single) JsonRpcCodec.decode(bytes(json))).message();
    }

    private static Decoded.Malformed malformed(String json) {
        return (Decoded.Malformed) JsonRpcCodec.decode(bytes(json));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
