package dev.conduit.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A plain MCP client over Streamable HTTP for the ITs: one API key, one session, JSON-RPC bodies in and out. */
final class McpHttpClient {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RunningConduit conduit;
    private final String key;
    private final String session;

    McpHttpClient(RunningConduit conduit, String key) throws Exception {
        this.conduit = conduit;
        this.key = key;
        this.session = send(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""")
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /** The session id from {@code initialize}. */
    String session() {
        return session;
    }

    /** Posts one JSON-RPC message in this session; answers the response (from a JSON body or an SSE stream). */
    JsonNode post(String body) throws Exception {
        return answer(postRaw(body));
    }

    /**
     * The JSON-RPC response of an HTTP answer: the body, or the last {@code data:} event that carries an id when the
     * server answered with SSE (it does for requests that run longer than its keep-alive interval).
     */
    static JsonNode answer(HttpResponse<String> response) {
        boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        if (!stream) {
            return Json.mapper().readTree(response.body());
        }
        JsonNode last = null;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                JsonNode message = Json.mapper().readTree(line.substring("data:".length()).trim());
                if (message.has("id")) {
                    last = message;
                }
            }
        }
        if (last == null) {
            throw new AssertionError("an SSE answer without a response:\n" + response.body());
        }
        return last;
    }

    /** Posts one JSON-RPC message in this session; answers the HTTP response, headers and all. */
    HttpResponse<String> postRaw(String body) throws Exception {
        return send(session, body, null);
    }

    /** The same, as part of the W3C trace {@code traceparent}. */
    HttpResponse<String> postRaw(String body, String traceparent) throws Exception {
        return send(session, body, traceparent);
    }

    /** Ends the session with {@code DELETE}; answers the HTTP status. */
    int end() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(conduit.mcpUrl()))
                                 .timeout(RunningConduit.patient(Duration.ofSeconds(60)))
                                 .header("Authorization", "Bearer " + key)
                                 .header("Mcp-Session-Id", session)
                                 .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Calls {@code execute_<language>} with {@code code} and any {@code extra} arguments (engine, limits, ...). */
    JsonNode execute(String language, String code, ObjectNode extra) throws Exception {
        return post(executeRequest(1, language, code, extra));
    }

    /** The JSON-RPC {@code tools/call} of {@code execute_<language>}, with {@code extra} arguments (may be null). */
    static String executeRequest(int id, String language, String code, ObjectNode extra) {
        ObjectNode arguments = extra == null ? Json.object() : extra.deepCopy();
        arguments.put("code", code);
        ObjectNode params = Json.object();
        params.put("name", "execute_" + language);
        params.set("arguments", arguments);
        ObjectNode request = Json.object();
        request.put("jsonrpc", "2.0");
        request.put("id", id);
        request.put("method", "tools/call");
        request.set("params", params);
        return request.toString();
    }

    private HttpResponse<String> send(String sessionId, String body) throws Exception {
        return send(sessionId, body, null);
    }

    private HttpResponse<String> send(String sessionId, String body, String traceparent) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(conduit.mcpUrl()))
                .timeout(RunningConduit.patient(Duration.ofSeconds(60)))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            builder.header("Mcp-Session-Id", sessionId);
        }
        if (traceparent != null) {
            builder.header("traceparent", traceparent);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
