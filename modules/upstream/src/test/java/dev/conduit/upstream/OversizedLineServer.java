package dev.conduit.upstream;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.JsonNode;

/**
 * A child process for {@link OversizedAnswersTest}: answers newline-delimited JSON-RPC requests on stdin. {@code hold}
 * is answered only once {@code release} comes (it says {@code notifications/held} at once, so that the test knows it
 * is in flight); {@code big} is answered with a result of {@code params.size} bytes, its id first or last
 * ({@code params.idFirst}); {@code noisy} is preceded by an oversized notification; {@code garbage} by an oversized
 * line that is not JSON-RPC; anything else is echoed.
 */
public final class OversizedLineServer {
    private OversizedLineServer() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<JsonNode> held = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode request = Json.mapper().readTree(line);
            if (!request.has("id")) {
                continue; // a notification of the client's
            }
            String id = request.get("id").toString();
            JsonNode params = request.path("params");
            switch (request.path("method").asString()) {
                case "hold" -> {
                    held.add(request);
                    out.print("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/held\",\"params\":{}}\n");
                }
                case "release" -> {
                    for (JsonNode waiting : held) {
                        out.print(answer(waiting.get("id").toString(), "\"released\"", false));
                    }
                    held.clear();
                    out.print(answer(id, "\"done\"", false));
                }
                case "big" -> out.print(answer(id, "{\"text\":\"" + "x".repeat(params.path("size").asInt()) + "\"}",
                                               params.path("idFirst").asBoolean()));
                case "noisy" -> {
                    out.print("{\"method\":\"notifications/message\",\"params\":{\"data\":\""
                              + "n".repeat(params.path("size").asInt()) + "\"},\"jsonrpc\":\"2.0\"}\n");
                    out.print(answer(id, "\"after the noise\"", false));
                }
                case "garbage" -> {
                    out.print("g".repeat(params.path("size").asInt()) + "\n");
                    out.print(answer(id, "\"after the garbage\"", false));
                }
                default -> out.print(answer(id, params.toString(), false));
            }
            out.flush();
        }
    }

    private static String answer(String id, String result, boolean idFirst) {
        return idFirst ? "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}\n"
                : "{\"result\":" + result + ",\"jsonrpc\":\"2.0\",\"id\":" + id + "}\n";
    }
}
