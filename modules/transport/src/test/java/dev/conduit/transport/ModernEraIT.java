package dev.conduit.transport;

import java.net.http.HttpResponse;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * MCP 2026-07-28 over Streamable HTTP beside the 2025 era on the same endpoint: requests without initialize or
 * session, their headers checked against the body (-32020), versions this server lacks refused with the supported
 * ones (-32022) and the request's id, methods the revision removed unknown (404), and results in the revision's
 * words (resultType, ttlMs, cacheScope, the server's identity in _meta).
 */
class ModernEraIT {
    private static final String VERSION = "2026-07-28";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aListNeedsNoSessionAndSaysHowLongItMayBeCached() throws Exception {
        HttpResponse<String> response = send(request(1, "tools/list", "{}"), "tools/list", null);
        assertThat(response.body(), response.statusCode(), is(200));
        assertThat(response.headers().firstValue("Mcp-Session-Id").isPresent(), is(false));
        JsonNode result = TestServer.json(response.body()).get("result");
        assertThat(result.get("resultType").asString(), is("complete"));
        assertThat(result.get("cacheScope").asString(), is("private"));
        assertThat(result.get("ttlMs").asLong(), is(60_000L));
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asString(), is("conduit"));
        assertThat(result.get("tools").toString(), containsString("\"name\":\"echo\""));
    }

    @Test
    void aCallNamesItsToolInAHeaderThatMustMatch() throws Exception {
        String call = request(2, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}");
        HttpResponse<String> ok = send(call, "tools/call", "echo");
        assertThat(ok.body(), TestServer.json(ok.body()).at("/result/content/0/text").asString(), is("Echo: hi"));
        // The name may come Base64-encoded; it still has to match.
        HttpResponse<String> encoded = send(call, "tools/call", "=?base64?ZWNobw==?=");
        assertThat(encoded.body(), encoded.statusCode(), is(200));

        HttpResponse<String> other = send(call, "tools/call", "megabyte");
        assertError(other, 400, -32020, "Mcp-Name header value 'megabyte' does not match body value 'echo'", 2);
        HttpResponse<String> none = send(call, "tools/call", null);
        assertError(none, 400, -32020, "Mcp-Name header is required", 2);
        HttpResponse<String> wrongMethod = send(call, "tools/list", "echo");
        assertError(wrongMethod, 400, -32020, "Mcp-Method", 2);
    }

    @Test
    void theProtocolVersionHeaderMustMatchTheBody() throws Exception {
        String list = request(3, "tools/list", "{}");
        HttpResponse<String> missing = server.send(server.post(list, "Mcp-Method", "tools/list"));
        assertError(missing, 400, -32020, "MCP-Protocol-Version header is required", 3);
        HttpResponse<String> older = server.send(server.post(list, "Mcp-Method", "tools/list",
                                                             "MCP-Protocol-Version", "2025-11-25"));
        assertError(older, 400, -32020, "does not match body value '2026-07-28'", 3);
        // A modern header on a body without the modern _meta is invalid params, never a legacy request.
        HttpResponse<String> bare = server.send(server.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}",
                "Mcp-Method", "tools/list", "MCP-Protocol-Version", VERSION));
        assertError(bare, 400, -32602, "must carry params._meta", 4);
        String noCapabilities = request(5, "tools/list", "{}").replace(
                ",\"io.modelcontextprotocol/clientCapabilities\":{}", "");
        HttpResponse<String> partial = send(noCapabilities, "tools/list", null);
        assertError(partial, 400, -32602, "clientCapabilities", 5);
    }

    @Test
    void anUnknownVersionIsRefusedWithTheSupportedOnes() throws Exception {
        String body = request(5, "tools/list", "{}").replace(VERSION, "2099-01-01");
        HttpResponse<String> response = server.send(server.post(body, "Mcp-Method", "tools/list",
                                                                 "MCP-Protocol-Version", "2099-01-01"));
        assertError(response, 400, -32022, "Unsupported protocol version: 2099-01-01", 5);
        JsonNode data = TestServer.json(response.body()).at("/error/data");
        assertThat(data.get("requested").asString(), is("2099-01-01"));
        assertThat(data.at("/supported/0").asString(), is(VERSION));
        assertThat(data.get("supported").toString(), containsString("2025-11-25"));
    }

    @Test
    void methodsTheRevisionRemovedAreUnknown() throws Exception {
        for (String method : new String[] {"ping", "logging/setLevel", "initialize", "no/such-method"}) {
            HttpResponse<String> response = send(request(6, method, "{\"level\":\"info\"}"), method, null);
            assertError(response, 404, -32601, method, 6);
        }
    }

    @Test
    void discoverSaysWhatTheServerSpeaksAndOffers() throws Exception {
        HttpResponse<String> response = send(request(7, "server/discover", "{}"), "server/discover", null);
        JsonNode result = TestServer.json(response.body()).get("result");
        assertThat(response.body(), result.at("/supportedVersions/0").asString(), is(VERSION));
        assertThat(result.get("supportedVersions").toString(), containsString("2025-11-25"));
        assertThat(result.at("/capabilities/tools").isObject(), is(true));
        assertThat(result.get("resultType").asString(), is("complete"));
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asString(), is("conduit"));
    }

    @Test
    void progressComesOnTheRequestsOwnStream() throws Exception {
        String call = request(8, "tools/call", "{\"name\":\"progress\",\"arguments\":{},"
                + "\"_meta\":{\"progressToken\":\"p1\"," + meta() + "}}");
        HttpResponse<String> response = send(call, "tools/call", "progress");
        assertThat(response.headers().firstValue("Content-Type").orElseThrow(), startsWith("text/event-stream"));
        assertThat(response.body(), containsString("notifications/progress"));
        assertThat(response.body(), containsString("\"resultType\":\"complete\""));
    }

    @Test
    void theLegacyEraStillWorksBesideIt() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}",
                "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25"));
        assertThat(response.body(), response.statusCode(), is(200));
        assertThat(TestServer.json(response.body()).get("result").has("resultType"), is(false));
    }

    /** A modern request: {@code params} with the required _meta added (unless it has a _meta already). */
    private static String request(int id, String method, String params) {
        String withMeta = params.contains("_meta") ? params
                : params.equals("{}") ? "{\"_meta\":{" + meta() + "}}"
                : params.substring(0, params.length() - 1) + ",\"_meta\":{" + meta() + "}}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + withMeta + "}";
    }

    private static String meta() {
        return "\"io.modelcontextprotocol/protocolVersion\":\"" + VERSION + "\","
               + "\"io.modelcontextprotocol/clientCapabilities\":{},"
               + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"it\",\"version\":\"1\"}";
    }

    /** POSTs {@code body} with the modern headers; {@code name} is left out when null. */
    private static HttpResponse<String> send(String body, String method, String name) throws Exception {
        return name == null
                ? server.send(server.post(body, "MCP-Protocol-Version", VERSION, "Mcp-Method", method))
                : server.send(server.post(body, "MCP-Protocol-Version", VERSION, "Mcp-Method", method,
                                          "Mcp-Name", name));
    }

    private static void assertError(HttpResponse<String> response, int status, int code, String messagePart, int id) {
        assertThat(response.body(), response.statusCode(), is(status));
        JsonNode answer = Json.mapper().readTree(response.body());
        assertThat(response.body(), answer.at("/error/code").asInt(), is(code));
        assertThat(response.body(), answer.at("/error/message").asString(), containsString(messagePart));
        assertThat(response.body(), answer.get("id").asInt(), is(id));
    }
}
