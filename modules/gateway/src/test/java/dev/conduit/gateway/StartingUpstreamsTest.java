package dev.conduit.gateway;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.policy.ExecutionLimitsPolicy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Right after the server's start an upstream may not have listed its tools yet. A program that names {@code tools}
 * waits for that list (its SDK needs it); one that never does runs at once, with the tools listed so far.
 */
class StartingUpstreamsTest {
    private static final List<String> EVERYTHING = List.of("*");

    /** One upstream, {@code up}, still starting: its list arrives when the test releases it. */
    private static final class Starting implements ToolCatalog {
        private final CountDownLatch listed = new CountDownLatch(1);
        private final CountDownLatch asked = new CountDownLatch(1);
        private final ToolCatalog upstream = ToolCatalog.of(List.of(new Tool(
                ToolDefinition.of("up__echo", "echoes", Json.object().put("type", "object")), "up", "echo",
                (call, context) -> Json.object())));

        @Override
        public List<Tool> tools() {
            asked.countDown();
            try {
                listed.await(); // like a first listing waiting for the upstream's answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return upstream.tools();
        }

        @Override
        public List<Tool> listed() {
            return listed.getCount() == 0 ? upstream.tools() : List.of();
        }

        @Override
        public Optional<Tool> find(String name) {
            return tools().stream().filter(tool -> tool.definition().name().equals(name)).findFirst();
        }
    }

    private final Starting catalog = new Starting();
    /** The engine answers the SDK manifest its program was given. */
    private final McpServer server = McpServer.builder().catalog(catalog)
            .executions(ExecutorRegistry.of(List.of(new TestEngine("manifest", request -> new ExecutionOutcome
                                .Completed(request.tools().manifestJson(), "", Optional.empty())))),
                        ExecutionLimitsPolicy.from(ConfigReader.empty()), ExecutorsConfig.standard())
            .build();

    @Test
    void aProgramThatNeverNamesToolsRunsWithoutWaitingForTheList() throws Exception {
        String answer = CompletableFuture.supplyAsync(() -> run("return 1 + 1")).get(10, TimeUnit.SECONDS);
        assertThat(answer, containsString("\"stdout\":\"[]\""));
        assertThat(answer, not(containsString("up__echo")));
    }

    @Test
    void aProgramThatNamesToolsWaitsForTheListAndGetsIt() throws Exception {
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> run("await tools.up.echo({})"));
        assertThat(catalog.asked.await(10, TimeUnit.SECONDS), is(true));
        assertThat(answer.isDone(), is(false));
        catalog.listed.countDown();
        assertThat(answer.get(10, TimeUnit.SECONDS), containsString("up__echo"));
    }

    private String run(String code) {
        ObjectNode params = Json.object().put("name", "execute_javascript");
        params.set("arguments", Json.object().put("code", code));
        JsonRpcResponse response = server.handle(new JsonRpcRequest(JsonRpcId.of(1), "tools/call", params),
                                                 TestSession.context(EVERYTHING)).orElseThrow();
        return switch (response) {
            case JsonRpcResponse.Success success -> success.result().toString();
            case JsonRpcResponse.Failure failure -> failure.error().code() + " " + failure.error().message();
        };
    }
}
