package dev.conduit.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import dev.conduit.core.RequestContext;
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
import dev.conduit.policy.ExecutionLimitsPolicy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

/**
 * A program's started calls ({@code ToolBridge.start}, what the engines use for {@code Promise.all}): at most
 * {@value ExecutionBridge#CALLS_AT_ONCE} of one program's run at once, the rest once a place is free; a call past the
 * budget is refused at once; calls still waiting for a place when the program has ended are never made, and those
 * still out when it ends or runs out of time are cancelled (the upstream told why), in the trace as such.
 */
class ParallelCallsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /**
     * Each call waits at a rendezvous for one more than the places there are: reached only if the cap let a call too
     * many through; otherwise the wait ends (half a second) and the calls answer.
     */
    @Test
    void atMostSixteenOfAProgramsCallsRunAtOnceAndTheOthersFollow() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CyclicBarrier oneTooMany = new CyclicBarrier(ExecutionBridge.CALLS_AT_ONCE + 1);
        McpServer server = server(() -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                oneTooMany.await(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                // the cap held: no call beyond the places arrived
            } finally {
                running.decrementAndGet();
            }
        }, request -> {
            List<CompletableFuture<String>> calls = IntStream.range(0, 20)
                    .mapToObj(i -> request.tools().start("up__slow", "{}")).toList();
            return completed(calls.stream().map(ParallelCallsTest::answer).toList().toString());
        });
        String stdout = run(server, 100);
        assertThat(stdout, most.get(), is(ExecutionBridge.CALLS_AT_ONCE));
        assertThat(List.of(stdout.split("}, ")), everyItem(containsString("slow answered")));
    }

    /** Once the budget is spent, a call started is answered before start returns, by no thread and no upstream. */
    @Test
    void aCallPastTheBudgetIsRefusedAtOnce() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        List<Boolean> doneAtOnce = new CopyOnWriteArrayList<>();
        McpServer server = server(() -> {
            made.incrementAndGet();
            entered.countDown();
            await(release);
        }, request -> {
            List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
            IntStream.range(0, 2).forEach(i -> calls.add(request.tools().start("up__slow", "{}")));
            await(entered); // both within the budget are at the upstream
            calls.add(request.tools().start("up__slow", "{}"));
            calls.forEach(call -> doneAtOnce.add(call.isDone()));
            release.countDown();
            return completed(calls.stream().map(ParallelCallsTest::answer).toList().toString());
        });
        String stdout = run(server, 2);
        assertThat(doneAtOnce, is(List.of(false, false, true)));
        assertThat(stdout, containsString("budget of 2 calls is spent"));
        assertThat(made.get(), is(2));
    }

    @Test
    void callsStillWaitingForAPlaceWhenTheProgramEndsAreNeverMade() throws Exception {
        CountDownLatch entered = new CountDownLatch(ExecutionBridge.CALLS_AT_ONCE);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        List<CompletableFuture<String>> left = new CopyOnWriteArrayList<>();
        McpServer server = server(() -> {
            made.incrementAndGet();
            entered.countDown();
            await(release);
        }, request -> {
            IntStream.range(0, 20).forEach(i -> left.add(request.tools().start("up__slow", "{}")));
            await(entered); // every place taken: the other four wait for one
            return completed("ended");
        });
        assertThat(run(server, 100), is("ended"));
        release.countDown();
        List<String> answers = left.stream().map(ParallelCallsTest::answer).toList();
        assertThat(made.get(), is(ExecutionBridge.CALLS_AT_ONCE));
        assertThat(answers.stream().filter(answer -> answer.contains("The program ended before the call was made"))
                           .count(), is(20L - ExecutionBridge.CALLS_AT_ONCE));
    }

    @Test
    void callsStillOutWhenTheProgramEndsAreCancelledAndTraced() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        List<String> reasons = new CopyOnWriteArrayList<>();
        McpServer server = server(held(entered, reasons), request -> {
            IntStream.range(0, 2).forEach(i -> request.tools().start("up__held", "{}"));
            await(entered);
            return completed("ended");
        });
        ObjectNode result = execute(server, Json.object());
        assertThat(result.path("stdout").asString(), is("ended"));
        assertThat(reasons, is(List.of("the program ended before the call answered",
                                       "the program ended before the call answered")));
        assertThat(result.path("toolCalls").toString(), result.path("toolCalls").findValuesAsString("outcome"),
                   is(List.of("cancelled", "cancelled")));
    }

    /**
     * At its deadline a program's calls are cancelled, whether started or made on the guest's own thread (Rhino cannot
     * be stopped inside one): the guest gets on, and is stopped by its engine.
     */
    @Test
    void callsStillOutAtTheProgramsDeadlineAreCancelled() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        List<String> reasons = new CopyOnWriteArrayList<>();
        McpServer server = server(held(entered, reasons), request -> {
            CompletableFuture<String> started = request.tools().start("up__held", "{}");
            String inTurn = request.tools().call("up__held", "{}");
            return completed(inTurn + " | " + answer(started));
        });
        ObjectNode limits = Json.object().put("timeoutMs", 300);
        String stdout = execute(server, limits).path("stdout").asString();
        assertThat(reasons, is(List.of("the program ran out of time", "the program ran out of time")));
        assertThat(stdout, stdout.split(" \\| ").length, is(2));
        assertThat(List.of(stdout.split(" \\| ")),
                   everyItem(containsString("The call was cancelled: the program ran out of time")));
    }

    /** A tool that answers only once its call is cancelled (as an upstream's failed call does), noting why. */
    private static Function<RequestContext, ObjectNode> held(CountDownLatch entered, List<String> reasons) {
        return context -> {
            CountDownLatch cancelled = new CountDownLatch(1);
            try (var _ = context.cancellation().onCancel(cancelled::countDown)) {
                entered.countDown();
                await(cancelled);
            }
            reasons.add(context.cancellation().reason().orElse("not cancelled"));
            ObjectNode result = text("the call to upstream 'up' was cancelled");
            result.put("isError", true);
            return result;
        };
    }

    private static McpServer server(Runnable slow, Function<ExecutionRequest, ExecutionOutcome> program) {
        return server(context -> {
            slow.run();
            return text("slow answered");
        }, program);
    }

    private static ObjectNode text(String text) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return result;
    }

    private static McpServer server(Function<RequestContext, ObjectNode> answer,
                                    Function<ExecutionRequest, ExecutionOutcome> program) {
        List<Tool> tools = List.of("up__slow", "up__held").stream()
                .map(name -> new Tool(ToolDefinition.of(name, "waits", Json.object().put("type", "object")), "up",
                                      name.substring(4), (call, context) -> answer.apply(context)))
                .toList();
        return McpServer.builder().catalog(ToolCatalog.of(tools))
                .executions(ExecutorRegistry.of(List.of(new TestEngine("calling", program))),
                            ExecutionLimitsPolicy.from(ConfigReader.empty()), ExecutorsConfig.standard())
                .build();
    }

    /** Runs a program with a budget of {@code toolCalls}; its stdout. */
    private static String run(McpServer server, int toolCalls) {
        return execute(server, Json.object().put("maxToolCalls", toolCalls)).path("stdout").asString();
    }

    /** Runs a program with {@code limits}; its structured result. */
    private static ObjectNode execute(McpServer server, ObjectNode limits) {
        ObjectNode arguments = Json.object().put("code", "parallel");
        arguments.set("limits", limits);
        ObjectNode params = Json.object().put("name", "execute_javascript");
        params.set("arguments", arguments);
        JsonRpcResponse response = server.handle(new JsonRpcRequest(JsonRpcId.of(1), "tools/call", params),
                                                 TestSession.context(List.of("*"))).orElseThrow();
        return (ObjectNode) ((JsonRpcResponse.Success) response).result().path("structuredContent");
    }

    private static ExecutionOutcome completed(String stdout) {
        return new ExecutionOutcome.Completed(stdout, "", Optional.empty());
    }

    private static String answer(CompletableFuture<String> call) {
        return call.orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
