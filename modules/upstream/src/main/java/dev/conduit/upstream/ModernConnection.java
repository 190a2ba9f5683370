package dev.conduit.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpParamHeaders;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A connection to an upstream of the 2026-07-28 era: there is no session, so every request carries the envelope in
 * its {@code _meta} (protocol version, the gateway's client info, the capabilities and log level of the client it
 * is sent for), and a result that needs input ({@code resultType: "input_required"}) is answered here: its
 * {@code inputRequests} are asked of the client whose request caused the call, all at once (as requests of the
 * gateway's own to a 2025-era client, as one {@code input_required} under the same keys to a 2026 one), and the
 * request is sent again with the {@code inputResponses}
 * and the {@code requestState} the upstream gave, until it completes. Over HTTP the envelope becomes the headers the
 * revision requires ({@link HttpConnection}), with the {@code Mcp-Param-*} headers of a tool call whose tool marks
 * parameters with {@code x-mcp-header}. Thread-safe.
 */
final class ModernConnection implements McpConnection {
    /** More rounds than any real exchange needs, so that an upstream that keeps asking cannot hold a call forever. */
    static final int MAX_ROUNDS = 16;
    private static final String VERSION = ProtocolVersion.V2026_07_28.wire();

    private final String upstreamId;
    private final McpConnection wire;
    private final ObjectNode clientInfo;
    private final Asker asker;
    private final List<String> relayed;
    private final Function<String, Optional<JsonNode>> toolSchemas;

    /**
     * Asks the client of {@code cause} an upstream's input requests all at once (each a request whose id is its key);
     * the answers in their order.
     */
    @FunctionalInterface
    interface Asker {
        List<JsonRpcResponse> ask(List<JsonRpcRequest> questions, Optional<RequestContext> cause);

        /** The upstream answered the call of {@code cause} with a task, which the connection now follows. */
        default void taskStarted(Optional<RequestContext> cause) {
            // Nothing to tell by default.
        }
    }

    /**
     * @param relayed     the client capabilities the gateway passes on (sampling, elicitation, roots if configured)
     * @param toolSchemas the input schema of one of the upstream's tools by name, as last listed (for the
     *                    {@code Mcp-Param-*} headers of its {@code x-mcp-header} parameters)
     */
    ModernConnection(String upstreamId, McpConnection wire, String clientVersion, List<String> relayed, Asker asker,
                     Function<String, Optional<JsonNode>> toolSchemas) {
        this.upstreamId = upstreamId;
        this.relayed = List.copyOf(relayed);
        this.toolSchemas = toolSchemas;
        this.wire = wire;
        this.asker = asker;
        this.clientInfo = Json.object();
        clientInfo.put("name", "conduit-gateway");
        clientInfo.put("version", clientVersion);
    }

    @Override
    public JsonRpcResponse request(String method, JsonNode params, Duration timeout, Optional<RequestContext> cause)
            throws UpstreamException {
        long started = System.nanoTime();
        ObjectNode sent = framed(params, cause, method);
        Map<String, String> headers = method.equals(McpMethods.TOOLS_CALL)
                ? toolSchemas.apply(params.path("name").asString("")).map(McpParamHeaders::bindings)
                        .map(bindings -> McpParamHeaders.headers(bindings, params.path("arguments"))).orElse(Map.of())
                : Map.of();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            JsonRpcResponse response = wire.request(method, sent, timeout, cause, headers);
            if (!(response instanceof JsonRpcResponse.Success success
                  && success.result() instanceof ObjectNode result)) {
                return response;
            }
            if (method.equals(McpMethods.TOOLS_CALL) && ModernTasks.isTask(result)) {
                Duration left = timeout.minusNanos(System.nanoTime() - started);
                return cleaned(ModernTasks.follow(upstreamId, response.id(), result, (asked, about, limit) ->
                        wire.request(asked, framed(about, cause, asked), limit, cause, Map.of()), asker, cause,
                        left.isNegative() ? Duration.ZERO : left));
            }
            if (!"input_required".equals(result.path("resultType").asString(""))) {
                return cleaned(response);
            }
            List<JsonRpcRequest> questions = new ArrayList<>();
            for (Map.Entry<String, JsonNode> question : result.path("inputRequests").properties()) {
                JsonNode asked = question.getValue();
                questions.add(new JsonRpcRequest(JsonRpcId.of(question.getKey()), asked.path("method").asString(""),
                        asked.get("params") instanceof ObjectNode object ? object : Json.object()));
            }
            List<JsonRpcResponse> replies = asker.ask(questions, cause);
            ObjectNode answers = Json.object();
            for (int i = 0; i < questions.size(); i++) {
                switch (replies.get(i)) {
                    case JsonRpcResponse.Success answer -> answers.set(((JsonRpcId.Str) questions.get(i).id()).value(),
                                                                       answer.result());
                    case JsonRpcResponse.Failure failure -> {
                        return JsonRpcResponse.failure(response.id(), failure.error());
                    }
                }
            }
            sent = framed(params, cause, method);
            sent.set("inputResponses", answers);
            if (result.path("requestState").isString()) {
                sent.set("requestState", result.get("requestState"));
            }
        }
        throw new UpstreamException("upstream '" + upstreamId + "' asked for input " + MAX_ROUNDS
                                    + " times in one " + method + " without completing it");
    }

    /**
     * {@code response} as the gateway's clients get it: shaped by their own era (the gateway adds resultType for 2026),
     * from the gateway, not this upstream (changed in place).
     */
    private static JsonRpcResponse cleaned(JsonRpcResponse response) {
        if (response instanceof JsonRpcResponse.Success success && success.result() instanceof ObjectNode result) {
            result.remove("resultType");
            if (result.get("_meta") instanceof ObjectNode meta) {
                meta.remove(McpMeta.SERVER_INFO);
                if (meta.isEmpty()) {
                    result.remove("_meta");
                }
            }
        }
        return response;
    }

    /** {@code params} of the gateway's own request for {@code method} with the envelope (see the other). */
    ObjectNode framed(JsonNode params, Optional<RequestContext> cause) {
        return framed(params, cause, "");
    }

    /**
     * {@code params} with the envelope in {@code _meta}: the capabilities are those the gateway can relay (sampling,
     * elicitation, roots when configured) and the client of {@code cause} declared, so that an upstream that needs one
     * its eventual client lacks says so at once (-32021); a request of the gateway's own (a listing) declares none.
     * A tool call, and a request about its task, declare the tasks extension: the gateway follows an upstream's task
     * itself ({@link ModernTasks}), whatever its own client supports.
     */
    ObjectNode framed(JsonNode params, Optional<RequestContext> cause, String method) {
        ObjectNode sent = params instanceof ObjectNode object ? object.deepCopy() : Json.object();
        ObjectNode meta = sent.get("_meta") instanceof ObjectNode existing ? existing : sent.putObject("_meta");
        meta.put(McpMeta.PROTOCOL_VERSION, VERSION);
        meta.set(McpMeta.CLIENT_INFO, clientInfo);
        ObjectNode capabilities = meta.putObject(McpMeta.CLIENT_CAPABILITIES);
        cause.ifPresent(context -> {
            for (String capability : relayed) {
                if (context.session().clientCapabilities().has(capability)) {
                    capabilities.putObject(capability);
                }
            }
            context.session().requestedLogLevel().ifPresent(level -> meta.put(McpMeta.LOG_LEVEL, level.wireName()));
        });
        if (ModernTasks.declaredOn(method)) {
            capabilities.putObject("extensions").putObject(ModernTasks.EXTENSION);
        }
        return sent;
    }

    @Override
    public void notify(String method, JsonNode params) {
        wire.notify(method, params);
    }

    @Override
    public boolean alive() {
        return wire.alive();
    }

    @Override
    public void close() {
        wire.close();
    }
}
