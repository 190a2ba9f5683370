package dev.conduit.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.LogLevel;
import dev.conduit.core.McpMeta;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.Principal;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Requests to an upstream of the 2026-07-28 era: each carries the envelope with what its client can answer, and an
 * input_required result is answered by asking the client and sending the request again with the answers and the
 * upstream's state, until it completes; a refused question ends the call with the client's reason, and an upstream
 * that never stops asking is given up on.
 */
class ModernConnectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final List<String> RELAYED = List.of("sampling", "elicitation");

    private final List<JsonNode> sent = new ArrayList<>();
    private final List<JsonRpcRequest> asked = new ArrayList<>();
    private final List<Map<String, String>> sentHeaders = new ArrayList<>();

    /** An upstream whose answer to the n-th request is {@code answer.apply(n)}. */
    private McpConnection upstream(Function<Integer, ObjectNode> answer) {
        return new FakeWire() {
            @Override
            public JsonRpcResponse request(String method, JsonNode params, Duration timeout,
                                           Optional<RequestContext> cause) {
                sent.add(params);
                return JsonRpcResponse.success(JsonRpcId.of(sent.size()), answer.apply(sent.size()));
            }

            @Override
            public JsonRpcResponse request(String method, JsonNode params, Duration timeout,
                                           Optional<RequestContext> cause, Map<String, String> headers) {
                sentHeaders.add(headers);
                return request(method, params, timeout, cause);
            }

        };
    }

    private static ModernConnection connection(McpConnection wire, String version, ModernConnection.Asker asker) {
        return new ModernConnection("u", wire, version, RELAYED, asker, name -> Optional.empty());
    }

    private static RequestContext client(String... capabilities) {
        LocalSession session = new LocalSession("s", ProtocolVersion.latest());
        ObjectNode declared = Json.object();
        for (String capability : capabilities) {
            declared.putObject(capability);
        }
        session.clientCapabilities(declared);
        session.logLevel(LogLevel.WARNING);
        return new RequestContext(Principal.anonymous(), "cid", session, ClientChannel.discarding());
    }

    private static ObjectNode question(String state) {
        ObjectNode result = Json.object();
        result.put("resultType", "input_required");
        ObjectNode who = result.putObject("inputRequests").putObject("who");
        who.put("method", "elicitation/create");
        who.putObject("params").put("message", "Who?");
        result.put("requestState", state);
        return result;
    }

    private static ObjectNode done() {
        ObjectNode result = Json.object();
        result.put("resultType", "complete");
        result.putArray("content").addObject().put("text", "done");
        result.putObject("_meta").putObject(McpMeta.SERVER_INFO).put("name", "upstream");
        return result;
    }

    @Test
    void everyRequestCarriesTheEnvelopeWithWhatItsClientCanAnswer() throws Exception {
        ModernConnection connection = new ModernConnection("u", upstream(n -> done()), "9.9", RELAYED, (questions, cause) -> {
            throw new AssertionError("nothing is asked");
        }, name -> Optional.empty());
        ObjectNode params = Json.object();
        params.put("name", "tool");
        JsonRpcResponse response = connection.request("tools/call", params, TIMEOUT,
                                                      Optional.of(client("elicitation", "roots")));
        JsonNode meta = sent.getFirst().get("_meta");
        assertThat(meta.toString(), meta.path(McpMeta.PROTOCOL_VERSION).asString(), is("2026-07-28"));
        assertThat(meta.toString(), meta.at("/" + McpMeta.CLIENT_INFO.replace("/", "~1") + "/version").asString(),
                   is("9.9"));
        // What the gateway relays and the client declared: elicitation, not roots (never relayed), not sampling; and
        // on a tool call the tasks extension, whose tasks the gateway follows itself.
        assertThat(meta.get(McpMeta.CLIENT_CAPABILITIES).toString(),
                   is("{\"elicitation\":{},\"extensions\":{\"io.modelcontextprotocol/tasks\":{}}}"));
        assertThat(meta.path(McpMeta.LOG_LEVEL).asString(), is("warning"));
        assertThat(params.has("_meta"), is(false)); // the caller's params are left alone
        // The client sees neither the upstream's resultType nor its server info.
        ObjectNode result = (ObjectNode) ((JsonRpcResponse.Success) response).result();
        assertThat(result.toString(), result.has("resultType") || result.has("_meta"), is(false));

        connection.request("tools/list", Json.object(), TIMEOUT, Optional.empty());
        assertThat(sent.get(1).at("/_meta").get(McpMeta.CLIENT_CAPABILITIES).toString(), is("{}"));
    }

    @Test
    void aQuestionIsAskedOfTheClientAndTheRequestSentAgainWithItsAnswerAndState() throws Exception {
        ModernConnection connection = connection(upstream(n -> n == 1 ? question("s1") : done()), "1",
                (questions, cause) -> {
                    asked.addAll(questions);
                    ObjectNode answer = Json.object();
                    answer.put("action", "accept");
                    answer.putObject("content").put("name", "Ada");
                    return List.of(JsonRpcResponse.success(questions.getFirst().id(), answer));
                });
        ObjectNode params = Json.object();
        params.put("name", "confirm");
        JsonRpcResponse response = connection.request("tools/call", params, TIMEOUT, Optional.of(client("elicitation")));
        assertThat(response, instanceOf(JsonRpcResponse.Success.class));
        assertThat(asked.size(), is(1));
        assertThat(asked.getFirst().method(), is("elicitation/create"));
        assertThat(asked.getFirst().params().path("message").asString(), is("Who?"));
        JsonNode retry = sent.get(1);
        assertThat(retry.toString(), retry.at("/inputResponses/who/content/name").asString(), is("Ada"));
        assertThat(retry.toString(), retry.path("requestState").asString(), is("s1"));
        assertThat(retry.toString(), retry.path("name").asString(), is("confirm"));
        assertThat(retry.toString(), retry.at("/_meta").has(McpMeta.PROTOCOL_VERSION), is(true));
    }

    @Test
    void severalQuestionsAreAskedAtOnceAndAnsweredUnderTheirKeys() throws Exception {
        ObjectNode both = question("s1");
        ObjectNode model = ((ObjectNode) both.get("inputRequests")).putObject("model");
        model.put("method", "sampling/createMessage");
        model.putObject("params").put("maxTokens", 5);
        ModernConnection connection = connection(upstream(n -> n == 1 ? both : done()), "1", (questions, cause) -> {
            asked.addAll(questions);
            return questions.stream().map(question -> JsonRpcResponse.success(question.id(),
                    Json.object().put("answered", question.method()))).toList();
        });
        connection.request("tools/call", Json.object(), TIMEOUT, Optional.of(client("elicitation", "sampling")));
        assertThat(asked.stream().map(question -> question.id().toString() + " " + question.method()).toList(),
                   is(List.of(JsonRpcId.of("who") + " elicitation/create",
                              JsonRpcId.of("model") + " sampling/createMessage")));
        JsonNode answers = sent.get(1).get("inputResponses");
        assertThat(answers.toString(), answers.at("/who/answered").asString(), is("elicitation/create"));
        assertThat(answers.toString(), answers.at("/model/answered").asString(), is("sampling/createMessage"));
    }

    @Test
    void aQuestionTheClientCannotAnswerEndsTheCallWithTheReason() throws Exception {
        ModernConnection connection = connection(upstream(n -> question("s")), "1",
                (questions, cause) -> List.of(JsonRpcResponse.failure(questions.getFirst().id(),
                        JsonRpcError.of(-32601, "the client did not declare the 'elicitation' capability"))));
        JsonRpcResponse response = connection.request("tools/call", Json.object(), TIMEOUT, Optional.of(client()));
        assertThat(((JsonRpcResponse.Failure) response).error().message(), containsString("'elicitation'"));
        assertThat(sent.size(), is(1));
    }

    @Test
    void aToolCallCarriesTheHeadersOfItsToolsMarkedParameters() throws Exception {
        ObjectNode schema = Json.mapper().readValue("""
                {"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"},
                 "options":{"type":"object","properties":{"level":{"type":"integer","x-mcp-header":"Level"}}},
                 "note":{"type":"string","x-mcp-header":"Note"},"query":{"type":"string"}}}""", ObjectNode.class);
        ModernConnection connection = new ModernConnection("u", upstream(n -> done()), "1", RELAYED,
                (questions, cause) -> List.of(),
                name -> name.equals("sql") ? Optional.of(schema) : Optional.empty());
        ObjectNode params = Json.mapper().readValue("""
                {"name":"sql","arguments":{"region":"eu-wést","options":{"level":3},"note":null,"query":"q"}}""",
                ObjectNode.class);
        connection.request("tools/call", params, TIMEOUT, Optional.empty());
        // A value that is not plain ASCII goes in the base64 form; a null argument has no header.
        assertThat(sentHeaders.getFirst(), is(Map.of("Mcp-Param-Region", "=?base64?ZXUtd8Opc3Q=?=",
                                                      "Mcp-Param-Level", "3")));
        connection.request("tools/call", Json.object().put("name", "other"), TIMEOUT, Optional.empty());
        assertThat(sentHeaders.get(1), is(Map.of()));
    }

    @Test
    void anUpstreamThatNeverStopsAskingIsGivenUpOn() {
        ModernConnection connection = connection(upstream(n -> question("s" + n)), "1",
                (questions, cause) -> List.of(JsonRpcResponse.success(questions.getFirst().id(), Json.object())));
        UpstreamException e = assertThrows(UpstreamException.class, () -> connection.request("tools/call",
                Json.object(), TIMEOUT, Optional.of(client("elicitation"))));
        assertThat(e.getMessage(), containsString("asked for input " + ModernConnection.MAX_ROUNDS + " times"));
        assertThat(sent.size(), is(ModernConnection.MAX_ROUNDS));
    }
}
