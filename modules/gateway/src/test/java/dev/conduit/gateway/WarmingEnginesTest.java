package dev.conduit.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.Principal;
import dev.conduit.core.RequestContext;
import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.spi.LimitOverrides;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.policy.ExecutionLimitsPolicy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Engines that warm up after the server's start: a program that names no engine goes to one that already runs
 * programs; one that names a warming engine waits for it within its wall limit, and is refused with a retry hint
 * (or the reason the engine failed) when that is not enough.
 */
class WarmingEnginesTest {
    private static final List<String> EVERYTHING = List.of("*");

    /** A JavaScript engine whose start the test decides; it answers its own name. */
    private record Warming(String name, CompletableFuture<Void> started) implements Executor {
        @Override
        public Set<Language> languages() {
            return Set.of(Language.JAVASCRIPT);
        }

        @Override
        public Availability availability() {
            return new Availability(started.isDone(), "test");
        }

        @Override
        public ExecutionOutcome execute(ExecutionRequest request) {
            return new ExecutionOutcome.Completed("", "", Optional.of("\"" + name + "\""));
        }

        @Override
        public void close() {
            // Nothing held.
        }
    }

    private final Warming graaljs = new Warming("graaljs", new CompletableFuture<>());
    private final Warming deno = new Warming("deno", CompletableFuture.completedFuture(null));
    private final McpServer server = McpServer.builder().catalog(ToolCatalog.of(List.of()))
            .executions(ExecutorRegistry.of(List.of(graaljs, deno)), ExecutionLimitsPolicy.from(ConfigReader.empty()),
                        ExecutorsConfig.standard())
            .build();

    @Test
    void aProgramNamingNoEngineRunsOnOneThatIsReadyAndOnTheFirstChoiceOnceItIs() {
        assertThat(run(Json.object().put("code", "x")), containsString("\"result\":\"deno\""));
        graaljs.started().complete(null);
        assertThat(run(Json.object().put("code", "x")), containsString("\"result\":\"graaljs\""));
    }

    @Test
    void aProgramNamingNoEngineWhileNoneRunsGoesToTheFirstThatStarts() throws Exception {
        Warming rhino = new Warming("rhino", new CompletableFuture<>());
        Warming slowDeno = new Warming("deno", new CompletableFuture<>());
        McpServer starting = McpServer.builder().catalog(ToolCatalog.of(List.of()))
                .executions(ExecutorRegistry.of(List.of(graaljs, slowDeno, rhino)),
                            ExecutionLimitsPolicy.from(ConfigReader.empty()), ExecutorsConfig.standard())
                .build();
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> run(starting, Json.object()
                .put("code", "x")));
        awaitWaiter(rhino.started());
        assertThat(answer.isDone(), is(false));
        rhino.started().complete(null); // the last in the order, but the first to run programs
        assertThat(answer.get(10, TimeUnit.SECONDS), containsString("\"result\":\"rhino\""));
    }

    @Test
    void aProgramNamingAWarmingEngineWaitsForIt() throws Exception {
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(
                () -> run(Json.object().put("code", "x").put("engine", "graaljs")));
        awaitWaiter(graaljs.started());
        assertThat(answer.isDone(), is(false));
        graaljs.started().complete(null);
        assertThat(answer.get(10, TimeUnit.SECONDS), containsString("\"result\":\"graaljs\""));
    }

    @Test
    void anEngineStillWarmingAtTheWallLimitIsRefusedWithARetryHint() {
        ObjectNode arguments = Json.object().put("code", "x").put("engine", "graaljs");
        arguments.putObject("limits").put("timeoutMs", Duration.ofMillis(100).toMillis());
        String refused = run(arguments);
        assertThat(refused, containsString("-32000"));
        assertThat(refused, containsString("still warming up"));
        assertThat(refused, containsString("retryAfterMs"));
    }

    @Test
    void anEngineThatFailedToStartIsRefusedWithTheReasonAndSkippedWhenNoneIsNamed() {
        graaljs.started().completeExceptionally(new IllegalStateException("no native access"));
        String refused = run(Json.object().put("code", "x").put("engine", "graaljs"));
        assertThat(refused, containsString("-32000"));
        assertThat(refused, containsString("could not start: no native access"));
        assertThat(run(Json.object().put("code", "x")), containsString("\"result\":\"deno\""));
    }

    /** A key that chose an engine for a language (auth.api-keys[].engines) gets it unless the request names another. */
    @Test
    void aKeysEngineRunsItsProgramsUnlessTheRequestNamesAnother() {
        graaljs.started().complete(null);
        Principal denoKey = new Principal("analyst", EVERYTHING, LimitOverrides.none(), Map.of("javascript", "deno"));
        assertThat(run(server, Json.object().put("code", "x"), denoKey), containsString("\"result\":\"deno\""));
        assertThat(run(server, Json.object().put("code", "x").put("engine", "graaljs"), denoKey),
                   containsString("\"result\":\"graaljs\""));
        assertThat(run(Json.object().put("code", "x")), containsString("\"result\":\"graaljs\""));
    }

    @Test
    void aKeysEngineMustBeEnabledForItsLanguage() {
        ExecutorRegistry registry = ExecutorRegistry.of(List.of(graaljs, deno));
        registry.requireRuns("auth.api-keys.0.engines.javascript", "javascript", "deno");
        InvalidConfigException unknown = assertThrows(InvalidConfigException.class, () -> registry.requireRuns(
                "auth.api-keys.0.engines.javascript", "javascript", "rhino"));
        assertThat(unknown.getMessage(), containsString("auth.api-keys.0.engines.javascript"));
        assertThat(unknown.getMessage(), containsString("enabled for it: [graaljs, deno]"));
        assertThrows(InvalidConfigException.class, () -> registry.requireRuns("auth.api-keys.0.engines.python",
                                                                              "python", "deno"));
    }

    /** Returns once a request waits on {@code started}: its waiter is registered on the future (bounded). */
    private static void awaitWaiter(CompletableFuture<Void> started) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.getNumberOfDependents() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private String run(ObjectNode arguments) {
        return run(server, arguments);
    }

    private static String run(McpServer server, ObjectNode arguments) {
        return run(server, arguments, new Principal("caller", EVERYTHING));
    }

    private static String run(McpServer server, ObjectNode arguments, Principal principal) {
        ObjectNode params = Json.object().put("name", "execute_javascript");
        params.set("arguments", arguments);
        JsonRpcResponse response = server.handle(new JsonRpcRequest(JsonRpcId.of(1), "tools/call", params),
                                                 new RequestContext(principal, "cid", TestSession.create(),
                                                                    ClientChannel.discarding())).orElseThrow();
        return switch (response) {
            case JsonRpcResponse.Success success -> success.result().toString();
            case JsonRpcResponse.Failure failure -> failure.error().code() + " " + failure.error().message() + " "
                                                    + failure.error().data();
        };
    }
}
