package dev.conduit.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The questions a task of the 2026 tasks extension asks its client (an upstream's elicitation or sampling): kept under
 * keys unique over the task's life, shown as {@code inputRequests} by {@code tasks/get} (the task is then
 * {@code input_required}) and answered by {@code tasks/update}. A question waits at most its timeout plus the five
 * minutes a client may take to poll, and ends when the task is cancelled. Thread-safe.
 */
final class TaskQuestions {
    private static final Duration IDLE = Duration.ofMinutes(5);

    private record Open(String method, ObjectNode params, CompletableFuture<JsonRpcResponse> answer) {
    }

    private final ObjectNode clientCapabilities;
    private final Cancellation work;
    private final Runnable onAsked;
    private final Map<String, Open> open = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private long next;

    /**
     * @param clientCapabilities what the task's client declared: a question needing another capability is refused
     * @param work               the task's work, whose cancellation ends its questions
     * @param onAsked            told when a question is kept
     */
    TaskQuestions(ObjectNode clientCapabilities, Cancellation work, Runnable onAsked) {
        this.clientCapabilities = clientCapabilities;
        this.work = work;
        this.onAsked = onAsked;
    }

    /** The client's answers to {@code asked}, in their order, once it gave them (see the class comment). */
    List<JsonRpcResponse> ask(RequestContext cause, List<ClientRequests.Question> asked, Duration timeout) {
        for (ClientRequests.Question question : asked) {
            String capability = InputRounds.CAPABILITY.getOrDefault(question.method(), "");
            if (capability.isEmpty() || !clientCapabilities.has(capability)) {
                JsonRpcError refused = JsonRpcError.methodNotFound(question.method() + " (the client of this task did "
                        + "not declare the '" + capability + "' capability)");
                return asked.stream().map(each -> JsonRpcResponse.failure(JsonRpcId.of("conduit-task"), refused))
                        .toList();
            }
        }
        List<String> keys = new ArrayList<>();
        List<CompletableFuture<JsonRpcResponse>> answers = new ArrayList<>();
        synchronized (this) {
            for (ClientRequests.Question question : asked) {
                String key = question.key().filter(name -> !used.contains(name)).orElseGet(this::newKey);
                used.add(key);
                Open kept = new Open(question.method(), question.params(), new CompletableFuture<>());
                open.put(key, kept);
                keys.add(key);
                answers.add(kept.answer());
            }
        }
        onAsked.run();
        try (Cancellation.Registration _ = work.onCancel(() -> answers.forEach(answer -> answer.complete(
                JsonRpcResponse.failure(JsonRpcId.NULL, Outcome.CANCELLED.error("the task was cancelled")))))) {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .get(timeout.plus(IDLE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answers.forEach(answer -> answer.complete(JsonRpcResponse.failure(JsonRpcId.NULL, Outcome.TIMEOUT.error(
                    "the client did not answer within " + timeout.plus(IDLE).toSeconds() + " s"))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answers.forEach(answer -> answer.complete(JsonRpcResponse.failure(JsonRpcId.NULL,
                    Outcome.CANCELLED.error("the question was given up on"))));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // answers are only ever completed normally
        } finally {
            synchronized (this) {
                keys.forEach(open::remove);
            }
        }
        List<JsonRpcResponse> responses = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            responses.add(switch (answers.get(i).join()) {
                case JsonRpcResponse.Success success -> JsonRpcResponse.success(JsonRpcId.of(keys.get(i)),
                                                                                success.result());
                case JsonRpcResponse.Failure failure -> JsonRpcResponse.failure(JsonRpcId.of(keys.get(i)),
                                                                                failure.error());
            });
        }
        return responses;
    }

    private String newKey() {
        String key;
        do {
            key = "input-" + ++next;
        } while (used.contains(key));
        return key;
    }

    /** Whether a question waits for the client now. */
    synchronized boolean waiting() {
        return !open.isEmpty();
    }

    /** The questions waiting, as {@code inputRequests}: each key's {@code method} and {@code params}. */
    synchronized ObjectNode inputRequests() {
        ObjectNode requests = Json.object();
        open.forEach((key, question) -> {
            ObjectNode item = requests.putObject(key);
            item.put("method", question.method());
            item.set("params", question.params());
        });
        return requests;
    }

    /**
     * Answers the waiting questions {@code inputResponses} has an object for; others (unknown, already answered)
     * are ignored, as the extension asks.
     *
     * @return whether any question was answered
     */
    boolean answer(JsonNode inputResponses) {
        boolean any = false;
        for (Map.Entry<String, JsonNode> entry : inputResponses.properties()) {
            Open question;
            synchronized (this) {
                question = entry.getValue() instanceof ObjectNode ? open.remove(entry.getKey()) : null;
            }
            if (question != null) {
                any |= question.answer().complete(JsonRpcResponse.success(JsonRpcId.of(entry.getKey()),
                                                                          entry.getValue()));
            }
        }
        return any;
    }
}
