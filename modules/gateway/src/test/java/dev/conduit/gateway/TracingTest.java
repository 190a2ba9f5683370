package dev.conduit.gateway;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.core.trace.Tracing;
import dev.conduit.policy.ExecutionLimitsPolicy;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The span tree of an execution that calls two tools, captured in memory: the request, under the client's
 * traceparent; the execution under it; each tool call under the execution, although the engine makes the calls on a
 * thread of its own; attributes name the method, engine, tools and outcomes, never the program or the arguments.
 */
class TracingTest {
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk sdk;

    @BeforeEach
    void install() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    @AfterEach
    void uninstall() {
        sdk.close();
    }

    @Test
    void anExecutionThatCallsTwoToolsIsOneTree() {
        McpServer server = McpServer.builder()
                .tracing(Tracing.of(sdk))
                .catalog(ToolCatalog.of(List.of(tool("alpha"), tool("beta"))))
                .executions(ExecutorRegistry.of(List.of(new TestEngine("two-calls", TracingTest::twoCalls))),
                            ExecutionLimitsPolicy.from(ConfigReader.empty()), ExecutorsConfig.standard())
                .build();
        Context client = W3CTraceContextPropagator.getInstance().extract(Context.root(),
                Map.of("traceparent", "00-" + CLIENT_TRACE + "-00f067aa0ba902b7-01"), new MapGetter());
        JsonRpcResponse response;
        try (Scope _ = client.makeCurrent()) {
            response = server.handle(new JsonRpcRequest(JsonRpcId.of(1), "tools/call", Json.mapper().readTree("""
                    {"name":"execute_javascript","arguments":{"code":"secret program text"}}""")),
                                     TestSession.context(List.of("*"))).orElseThrow();
        }
        assertThat(response.toString(), response instanceof JsonRpcResponse.Success, is(true));
        server.close();

        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData request = only(all, "tools/call");
        SpanData execution = only(all, "execute two-calls");
        List<SpanData> calls = all.stream().filter(span -> span.getName().startsWith("tool test__")).toList();
        assertThat(request.getTraceId(), is(CLIENT_TRACE));
        assertThat(request.getKind(), is(SpanKind.SERVER));
        assertThat(request.getParentSpanId(), is("00f067aa0ba902b7"));
        // The execution tool itself is a tool call of the gateway's own, then the program's two calls under the run.
        SpanData executeTool = only(all, "tool execute_javascript");
        assertThat(executeTool.getParentSpanId(), is(request.getSpanId()));
        assertThat(execution.getParentSpanId(), is(executeTool.getSpanId()));
        assertThat(calls, hasSize(2));
        for (SpanData call : calls) {
            assertThat(call.getTraceId(), is(CLIENT_TRACE));
            assertThat(call.getParentSpanId(), is(execution.getSpanId()));
            assertThat(call.getAttributes().asMap().toString(), call.getAttributes().asMap().values().stream()
                    .map(String::valueOf).anyMatch(value -> value.equals("ok")), is(true));
        }
        assertThat(calls.stream().map(SpanData::getName).collect(Collectors.toSet()),
                   is(Set.of("tool test__alpha", "tool test__beta")));
        assertThat(execution.getAttributes().asMap().toString(), execution.getAttributes().asMap().toString()
                .contains("two-calls"), is(true));
        assertThat(all.toString(), not(org.hamcrest.Matchers.containsString("secret program text")));
        assertThat(all.toString(), not(org.hamcrest.Matchers.containsString("\"n\":")));
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> found = spans.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(spans.toString(), found, hasSize(1));
        return found.getFirst();
    }

    private static Tool tool(String name) {
        ObjectNode schema = Json.object().put("type", "object");
        return new Tool(ToolDefinition.of("test__" + name, "a tool", schema), "test", name, (call, ctx) -> {
            ObjectNode result = Json.object();
            result.putArray("content").addObject().put("type", "text").put("text", name);
            return result;
        });
    }

    /** A program that calls two tools from a thread of its own, as Deno's session does. */
    private static ExecutionOutcome twoCalls(ExecutionRequest request) {
        Thread other = Thread.ofVirtual().start(() -> {
            request.tools().call("test__alpha", "{\"n\":1}");
            request.tools().call("test.beta", "{\"n\":2}");
        });
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ExecutionOutcome.Completed("", "", Optional.empty());
    }

    private static final class MapGetter implements io.opentelemetry.context.propagation.TextMapGetter<Map<String, String>> {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }
}
