package dev.conduit.transport;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** The Streamable HTTP rules, each bad-input case with its HTTP status and JSON-RPC code, over real sockets. */
class StreamableHttpTransportIT {
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}";
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
    void initializeIssuesSessionAndNegotiatesVersion() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-06-18")));
        assertThat(response.statusCode(), is(200));
        assertThat(response.headers().firstValue("Content-Type").orElseThrow(), startsWith("application/json"));
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(session.length(), is(43));
        JsonNode result = TestServer.json(response.body()).get("result");
        assertThat(result.get("protocolVersion").asString(), is("2025-06-18"));
        assertThat(result.at("/serverInfo/name").asString(), is("conduit"));
    }

    @Test
    void unknownClientVersionGetsLatest() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("1999-01-01")));
        assertThat(TestServer.json(response.body()).at("/result/protocolVersion").asString(), is("2025-11-25"));
    }

    @Test
    void requestWithSessionIsAnsweredWithJson() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(LIST, "Mcp-Session-Id", session,
                                                                "MCP-Protocol-Version", "2025-11-25"));
        assertThat(response.statusCode(), is(200));
        JsonNode body = TestServer.json(response.body());
        assertThat(body.get("id").asInt(), is(7));
        // The four test tools and the gateway's two discovery tools.
        assertThat(body.at("/result/tools").size(), is(7));
    }

    @Test
    void requestWithoutSessionIs400() throws Exception {
        HttpResponse<String> response = server.send(server.post(LIST));
        assertError(response, 400, -32000, "Mcp-Session-Id");
    }

    @Test
    void unknownSessionIs404() throws Exception {
        assertError(server.send(server.post(LIST, "Mcp-Session-Id", "no-such-session")), 404, -32000, "not found");
    }

    @Test
    void deleteEndsSessionAndLaterRequestsGet404() throws Exception {
        String session = server.initialize();
        HttpResponse<String> deleted = server.client.send(HttpRequest.newBuilder(server.uri())
                .header("Authorization", "Bearer " + TestServer.ALPHA_SECRET)
                .header("Mcp-Session-Id", session)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode(), is(204));
        assertError(server.send(server.post(LIST, "Mcp-Session-Id", session)), 404, -32000, "not found");
    }

    @Test
    void sessionOfAnotherKeyIsUnknown() throws Exception {
        String alphaSession = server.initialize();
        HttpResponse<String> response = server.send(server.post(LIST, "Mcp-Session-Id", alphaSession,
                                                                "Authorization", "Bearer " + TestServer.BETA_SECRET));
        assertError(response, 404, -32000, "not found");
    }

    @Test
    void notificationIs202WithoutBody() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Mcp-Session-Id", session));
        assertThat(response.statusCode(), is(202));
        assertThat(response.body(), is(""));
    }

    @Test
    void clientResponseIs202() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(
                "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{}}", "Mcp-Session-Id", session));
        assertThat(response.statusCode(), is(202));
    }

    @Test
    void unsupportedProtocolVersionHeaderIs400() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(LIST, "Mcp-Session-Id", session,
                                                                "MCP-Protocol-Version", "1999-01-01"));
        assertError(response, 400, -32022, "Unsupported protocol version: 1999-01-01");
        // The request's id comes back, and what to retry with.
        JsonNode error = Json.mapper().readTree(response.body());
        assertThat(error.get("id").asInt(), is(7));
        assertThat(error.at("/error/data/supported/0").asString(), is("2026-07-28"));
        assertThat(error.at("/error/data/requested").asString(), is("1999-01-01"));
    }

    @Test
    void missingAcceptIs406() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                                "Accept", "application/json"));
        assertError(response, 406, -32000, "text/event-stream");
    }

    /**
     * Every way of naming both JSON and event streams is served, not only the SDKs' usual value (recognised without
     * parsing): the other order, parameters, one Accept header per type; naming one of them twice is not enough.
     */
    @Test
    void acceptNamingBothTypesInAnyFormIsServed() throws Exception {
        for (String accept : List.of("application/json, text/event-stream", "text/event-stream, application/json",
                                     "application/json;q=0.9, text/event-stream", "TEXT/EVENT-STREAM,application/json")) {
            HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                                    "Accept", accept));
            assertThat(accept, response.statusCode(), is(200));
        }
        HttpResponse<String> separate = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                                "Accept", "application/json")
                                                            .header("Accept", "text/event-stream"));
        assertThat(separate.body(), separate.statusCode(), is(200));
        HttpResponse<String> twice = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                             "Accept", "application/json")
                                                         .header("Accept", "application/json"));
        assertError(twice, 406, -32000, "text/event-stream");
    }

    @Test
    void nonJsonContentTypeIs415() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                                "Content-Type", "text/plain"));
        assertError(response, 415, -32000, "application/json");
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                     + "x".repeat((int) HttpTransportConfig.DEFAULT_MAX_BODY_BYTES) + "\"}}";
        assertError(server.send(server.post(big)), 413, -32600, "too large");
    }

    @Test
    void malformedJsonIs400ParseError() throws Exception {
        HttpResponse<String> response = server.send(server.post("{\"jsonrpc\":\"2.0\",\"id\":1,"));
        assertError(response, 400, -32700, "Parse error");
        assertThat(TestServer.json(response.body()).get("id").isNull(), is(true));
    }

    @Test
    void invalidRequestIs400InvalidRequestWithId() throws Exception {
        HttpResponse<String> response = server.send(server.post("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}"));
        assertError(response, 400, -32600, "jsonrpc");
        assertThat(TestServer.json(response.body()).get("id").asInt(), is(5));
    }

    @Test
    void unknownMethodIsMethodNotFound() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"no/such\"}", "Mcp-Session-Id", session));
        assertThat(response.statusCode(), is(200));
        assertThat(TestServer.json(response.body()).at("/error/code").asInt(), is(-32601));
    }

    @Test
    void invalidParamsIsMinus32602() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":42}}",
                "Mcp-Session-Id", session));
        assertThat(TestServer.json(response.body()).at("/error/code").asInt(), is(-32602));
    }

    @Test
    void batchIsRejectedFrom20250618() throws Exception {
        String session = server.initialize(TestServer.ALPHA_SECRET, "2025-06-18");
        HttpResponse<String> response = server.send(server.post(
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", "Mcp-Session-Id", session,
                "MCP-Protocol-Version", "2025-06-18"));
        assertError(response, 400, -32600, "batches");
    }

    @Test
    void batchIsServedIn20250326() throws Exception {
        String session = server.initialize(TestServer.ALPHA_SECRET, "2025-03-26");
        HttpResponse<String> response = server.send(server.post("""
                [{"jsonrpc":"2.0","id":1,"method":"ping"},
                 {"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":2,"method":"no/such"},
                 {"jsonrpc":"1.0","id":3,"method":"ping"}]""", "Mcp-Session-Id", session,
                "MCP-Protocol-Version", "2025-03-26"));
        assertThat(response.statusCode(), is(200));
        JsonNode body = TestServer.json(response.body());
        assertThat(body.size(), is(3));
        assertThat(body.get(0).has("result"), is(true));
        assertThat(body.get(1).at("/error/code").asInt(), is(-32601));
        assertThat(body.get(2).at("/error/code").asInt(), is(-32600));
    }

    @Test
    void aBatchLongerThanTheCapIsRefusedWithoutRunningAnything() throws Exception {
        String session = server.initialize(TestServer.ALPHA_SECRET, "2025-03-26");
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i <= StreamableHttpTransport.MAX_BATCH_ITEMS; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i)
                    .append(",\"method\":\"tools/list\"}");
        }
        HttpResponse<String> response = server.send(server.post(batch.append(']').toString(), "Mcp-Session-Id",
                                                                session, "MCP-Protocol-Version", "2025-03-26"));
        assertError(response, 400, -32600, "at most " + StreamableHttpTransport.MAX_BATCH_ITEMS + " messages");
    }

    @Test
    void aBatchWhoseAnswersOutgrowTheCapHasItsRestRefusedUnrun() throws Exception {
        String session = server.initialize(TestServer.ALPHA_SECRET, "2025-03-26");
        int calls = 20; // 20 answers of 1 MiB each against a 16 MiB cap
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < calls; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i)
                    .append(",\"method\":\"tools/call\",\"params\":{\"name\":\"megabyte\",\"arguments\":{}}}");
        }
        HttpResponse<String> response = server.send(server.post(batch.append(']').toString(), "Mcp-Session-Id",
                                                                session, "MCP-Protocol-Version", "2025-03-26"));
        assertThat(response.statusCode(), is(200));
        JsonNode answers = TestServer.json(response.body());
        assertThat(answers.size(), is(calls));
        int served = 0;
        for (JsonNode answer : answers) {
            if (answer.has("result")) {
                served++;
            } else {
                assertThat(answer.toString(), answer.at("/error/message").asString(), containsString("Not run"));
            }
        }
        assertThat(served, is(16)); // 16 answers of just over 1 MiB pass the 16 MiB cap; the four after them never ran
        assertThat(response.body().length() < 18 * 1024 * 1024, is(true));
    }

    @Test
    void foreignHostIs403() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                                "Host", "evil.example.com"));
        assertError(response, 403, -32003, "Host");
    }

    @Test
    void foreignOriginIs403() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                                "Origin", "http://evil.example.com"));
        assertError(response, 403, -32003, "origin");
    }

    @Test
    void localOriginIsAccepted() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                "Origin", "http://localhost:" + server.server.port()));
        assertThat(response.statusCode(), is(200));
    }

    @Test
    void missingKeyIs401WithChallenge() throws Exception {
        HttpResponse<String> response = server.client.send(HttpRequest.newBuilder(server.uri())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.initializeBody("2025-11-25"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(response, 401, -32003, "Authentication required");
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow(), startsWith("Bearer"));
    }

    @Test
    void wrongKeyIs401AndSecretIsNotEchoed() throws Exception {
        HttpResponse<String> response = server.send(server.post(TestServer.initializeBody("2025-11-25"),
                                                                "Authorization", "Bearer wrong-secret-value-123"));
        assertError(response, 401, -32003, "Invalid API key");
        assertThat(response.body(), not(containsString("wrong-secret-value-123")));
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow(), containsString("invalid_token"));
    }

    @Test
    void faultBecomesInternalErrorWithoutDetails() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"boom\"}}",
                "Mcp-Session-Id", session));
        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(error.get("code").asInt(), is(-32603));
        assertThat(error.get("message").asString(), containsString("correlation id"));
        assertThat(response.body(), not(containsString("/home/conduit")));
        assertThat(response.body(), not(containsString("IllegalStateException")));
    }

    @Test
    void progressTokenGetsSseStreamWithNotificationsBeforeResult() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post("""
                {"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"progress","arguments":{},\
                "_meta":{"progressToken":"p1"}}}""", "Mcp-Session-Id", session));
        assertThat(response.statusCode(), is(200));
        assertThat(response.headers().firstValue("Content-Type").orElseThrow(), startsWith("text/event-stream"));
        List<JsonNode> events = response.body().lines().filter(line -> line.startsWith("data: "))
                .map(line -> TestServer.json(line.substring(6))).toList();
        assertThat(events.size(), is(3));
        assertThat(events.get(0).get("method").asString(), is("notifications/progress"));
        assertThat(events.get(1).at("/params/progress").asInt(), is(2));
        assertThat(events.get(2).get("id").asInt(), is(11));
        assertThat(events.get(2).at("/result/content/0/text").asString(), is("done"));
    }

    @Test
    void notificationsWithoutProgressTokenStillUpgradeToSse() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.send(server.post(
                "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\",\"params\":{\"name\":\"progress\"}}",
                "Mcp-Session-Id", session));
        assertThat(response.headers().firstValue("Content-Type").orElseThrow(), startsWith("text/event-stream"));
        assertThat(response.body(), containsString("\"id\":12"));
    }

    @Test
    void getOpensOneStreamPerSessionAndDeleteEndsIt() throws Exception {
        String session = server.initialize();
        HttpRequest get = HttpRequest.newBuilder(server.uri())
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + TestServer.ALPHA_SECRET)
                .header("Mcp-Session-Id", session)
                .GET().build();
        HttpResponse<InputStream> stream = server.client.send(get, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode(), is(200));
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow(), startsWith("text/event-stream"));
        try (InputStream body = stream.body()) {
            byte[] first = body.readNBytes(": keep-alive".length());
            assertThat(new String(first, StandardCharsets.US_ASCII), is(": keep-alive"));

            HttpResponse<String> second = server.client.send(get, HttpResponse.BodyHandlers.ofString());
            assertError(second, 409, -32000, "already");

            server.client.send(HttpRequest.newBuilder(server.uri())
                    .header("Authorization", "Bearer " + TestServer.ALPHA_SECRET)
                    .header("Mcp-Session-Id", session).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            // The stream ends once the session is gone: reading reaches end of stream instead of blocking.
            body.readAllBytes();
        }
    }

    @Test
    void getWithoutEventStreamAcceptIs406() throws Exception {
        String session = server.initialize();
        HttpResponse<String> response = server.client.send(HttpRequest.newBuilder(server.uri())
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + TestServer.ALPHA_SECRET)
                .header("Mcp-Session-Id", session)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertError(response, 406, -32000, "text/event-stream");
    }

    @Test
    void otherMethodsAre405() throws Exception {
        HttpResponse<String> response = server.client.send(HttpRequest.newBuilder(server.uri())
                .header("Authorization", "Bearer " + TestServer.ALPHA_SECRET)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode(), is(405));
        assertThat(response.headers().firstValue("Allow").orElseThrow(), containsString("POST"));
    }

    @Test
    void sessionsAreBounded() throws Exception {
        HttpTransportConfig two = new HttpTransportConfig("/mcp", 1024 * 1024, 2, Duration.ofMinutes(5),
                                                          Duration.ofSeconds(15), List.of(), List.of(),
                                                          HttpTransportConfig.DEFAULT_BODY_TIMEOUT);
        try (TestServer small = new TestServer(two)) {
            small.initialize();
            small.initialize();
            HttpResponse<String> third = small.send(small.post(TestServer.initializeBody("2025-11-25")));
            assertError(third, 503, -32000, "maximum number of sessions");
            assertThat(third.headers().firstValue("Retry-After").isPresent(), is(true));
        }
    }

    @Test
    void shutdownLetsInFlightRequestsFinishAndRefusesNewOnes() throws Exception {
        try (TestServer draining = new TestServer()) {
            String session = draining.initialize();
            Thread.Builder threads = Thread.ofVirtual();
            HttpResponse<?>[] slow = new HttpResponse<?>[1];
            Thread caller = threads.start(() -> {
                try {
                    slow[0] = draining.send(draining.post(
                            "{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}",
                            "Mcp-Session-Id", session));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            draining.slowEntered.await();
            boolean[] finished = new boolean[1];
            Thread stopper = threads.start(() -> {
                try {
                    finished[0] = draining.transport.shutdown(Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // New requests are refused once draining has begun; poll for that state with a deadline.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            HttpResponse<String> refused;
            do {
                refused = draining.send(draining.post(LIST, "Mcp-Session-Id", session));
            } while (refused.statusCode() != 503 && System.nanoTime() < deadline);
            assertError(refused, 503, -32000, "shutting down");

            draining.slowRelease.countDown();
            caller.join(Duration.ofSeconds(10));
            stopper.join(Duration.ofSeconds(10));
            assertThat(slow[0].statusCode(), is(200));
            assertThat(String.valueOf(slow[0].body()), containsString("slow done"));
            assertThat(finished[0], is(true));
        }
    }

    private static void assertError(HttpResponse<String> response, int status, int code, String messagePart) {
        assertThat(response.body(), response.statusCode(), is(status));
        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(response.body(), error.get("code").asInt(), is(code));
        assertThat(error.get("message").asString(), containsString(messagePart));
    }
}
