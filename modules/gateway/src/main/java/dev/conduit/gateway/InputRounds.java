package dev.conduit.gateway;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.SignedText;
import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Multi Round-Trip Requests (2026-07-28) for requests whose upstream asks the client something: the request runs on
 * in the background, and when the upstream sends {@code sampling/createMessage} or {@code elicitation/create} the
 * client gets {@code resultType: "input_required"} with the question under a key in {@code inputRequests} and a
 * {@code requestState}; its retry of the same request with {@code inputResponses} and that state answers the upstream
 * and waits again, for the result or the next question. A question the client did not answer is asked again.
 *
 * <p>The state names the waiting request and is signed (HMAC-SHA256 with a key of this process): a state that was
 * altered, is unknown, expired (5 minutes without a retry, after which the upstream call is cancelled) or belongs to
 * another key is refused with -32602. It carries no secret: only an id, unique in this process (the signature, not
 * the id, is what cannot be guessed; a random id for every request read /dev/urandom under a lock). A question
 * needing a capability the client did not declare ends the request with -32021. Thread-safe.
 */
final class InputRounds {
    /** Methods that reach an upstream and may therefore need the client's input. */
    static final Set<String> METHODS = Set.of(McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET, McpMethods.RESOURCES_READ,
                                              McpMethods.COMPLETION_COMPLETE);
    private static final Duration IDLE = Duration.ofMinutes(5);
    /** The client capability each question an upstream may ask needs. */
    static final Map<String, String> CAPABILITY = Map.of(McpMethods.SAMPLING_CREATE_MESSAGE, "sampling",
                                                                 McpMethods.ELICITATION_CREATE, "elicitation",
                                                                 McpMethods.ROOTS_LIST, "roots");

    private final Map<String, Round> rounds = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("conduit-input-rounds").factory());
    private final SecureRandom random = new SecureRandom();
    private final SignedText signer;
    private final AtomicLong questions = new AtomicLong();
    private final AtomicLong roundIds = new AtomicLong();
    /** This process's prefix of round ids, so that ids stay unique across replicas sharing the state's key. */
    private final String process;
    /** Whether states are signed with the cluster's secret: then a valid state no round here holds is run again. */
    private final boolean shared;

    /** A question of the upstream's waiting for the client's answer. */
    private record Question(String key, String method, ObjectNode params, CompletableFuture<JsonRpcResponse> answer) {
    }

    /** One request waiting across the client's round trips. */
    private static final class Round {
        final String id;
        final String principal;
        final ObjectNode clientCapabilities;
        final Cancellation cancellation = new Cancellation();
        final CompletableFuture<JsonRpcResponse> result = new CompletableFuture<>();
        final Map<String, Question> open = new ConcurrentHashMap<>();
        /** Completed whenever a new question arrives, so that a waiting round trip returns it. */
        volatile CompletableFuture<Void> asked = new CompletableFuture<>();
        final AtomicReference<ClientChannel> channel;
        volatile long lastSeenNanos = System.nanoTime();
        /** How many input_required answers were given: each state names its turn, and only the latest is taken. */
        final AtomicLong turn = new AtomicLong();
        /** Questions asked in this round, numbered in order: the same request run again asks them with the same keys. */
        final AtomicLong questions = new AtomicLong();
        /** Answers the client gave another replica's round of the same request: given back when asked again. */
        final Map<String, ObjectNode> answered;

        Round(String id, String principal, ObjectNode clientCapabilities, ClientChannel channel,
              Map<String, ObjectNode> answered) {
            this.id = id;
            this.principal = principal;
            this.clientCapabilities = clientCapabilities;
            this.channel = new AtomicReference<>(channel);
            this.answered = new ConcurrentHashMap<>(answered);
        }
    }

    InputRounds(ClientRequests clientRequests) {
        this(clientRequests, Optional.empty());
    }

    /**
     * Rounds whose states are signed with {@code clusterSecret} when given ({@code cluster.secret}), so that a
     * replica that did not issue a state can verify it and run the request again with the client's answers.
     */
    InputRounds(ClientRequests clientRequests, Optional<byte[]> clusterSecret) {
        this.signer = new SignedText(clusterSecret.map(InputRounds::stateKey).orElseGet(() -> {
            byte[] key = new byte[32];
            random.nextBytes(key);
            return key;
        }));
        this.shared = clusterSecret.isPresent();
        byte[] prefix = new byte[6];
        random.nextBytes(prefix);
        this.process = Base64.getUrlEncoder().withoutPadding().encodeToString(prefix) + "-";
        clientRequests.onModernAsk(this::ask);
        sweeper.scheduleAtFixedRate(this::expire, 30, 30, TimeUnit.SECONDS);
    }

    /**
     * Serves {@code request} (a modern one of {@link #METHODS}), running it with {@code run} in the background on its
     * first round, or resuming it when it carries a {@code requestState}.
     */
    JsonRpcResponse serve(JsonRpcRequest request, RequestContext context,
                          Function<RequestContext, JsonRpcResponse> run) {
        JsonNode state = request.params().path("requestState");
        if (state.isMissingNode() || state.isNull()) {
            // A client may answer in advance: a question the upstream then asks under a key the request answered is
            // given that answer without a round trip; answers nothing asks for are left unused.
            return start(request, context, run, answers(request));
        }
        Optional<Round> round = state.isString() ? verify(state.stringValue(), context.principal().id())
                                                 : Optional.empty();
        if (round.isEmpty() && shared && state.isString() && issuedElsewhere(state.stringValue(),
                                                                          context.principal().id())) {
            // Another replica's state (or this one's from before a restart): the request runs again here, and the
            // questions it asks again are answered with what the client sent.
            return start(request, context, run, answers(request));
        }
        if (round.isEmpty() || !round.get().principal.equals(context.principal().id())) {
            return JsonRpcResponse.failure(request.id(), JsonRpcError.invalidParams("Invalid params: requestState "
                    + "is not one this server issued to this key (altered, expired or already finished); send the "
                    + "request again without it"));
        }
        Round resumed = round.get();
        resumed.lastSeenNanos = System.nanoTime();
        resumed.channel.set(context.channel());
        JsonNode responses = request.params().path("inputResponses");
        for (Question question : resumed.open.values()) {
            JsonNode answer = responses.get(question.key());
            if (answer instanceof ObjectNode result) {
                resumed.open.remove(question.key());
                question.answer().complete(JsonRpcResponse.success(JsonRpcId.of(question.key()), result));
            }
        }
        return await(request, resumed);
    }

    /** The request's {@code inputResponses} that are answers at all (objects), by key. */
    private static Map<String, ObjectNode> answers(JsonRpcRequest request) {
        Map<String, ObjectNode> answers = new LinkedHashMap<>();
        request.params().path("inputResponses").properties().forEach(entry -> {
            if (entry.getValue() instanceof ObjectNode answer) {
                answers.put(entry.getKey(), answer);
            }
        });
        return answers;
    }

    private JsonRpcResponse start(JsonRpcRequest request, RequestContext context,
                                  Function<RequestContext, JsonRpcResponse> run, Map<String, ObjectNode> answered) {
        String id = process + Long.toString(roundIds.incrementAndGet(), Character.MAX_RADIX);
        Round round = new Round(id, context.principal().id(), context.session().clientCapabilities(),
                                context.channel(), answered);
        rounds.put(id, round);
        // Progress and log messages of the background work go to whichever round trip is open now.
        ClientChannel current = message -> round.channel.get().send(message);
        RequestContext background = new RequestContext(context.principal(), context.correlationId(),
                                                       context.session(), current, round.cancellation);
        context.cancellation().onCancel(() -> {
            if (round.open.isEmpty()) {
                round.cancellation.cancel(context.cancellation().reason().orElse("cancelled"));
            }
        });
        if (!canBeAsked(round.clientCapabilities)) {
            // Nothing can be asked of this client (it declared none of the capabilities a question needs), so the
            // request never waits for a round trip: it runs here, saving a thread's start and hand-off per request
            // (most clients), and a question still ends it with the same missing-capability error.
            try {
                round.result.complete(run.apply(background));
            } catch (RuntimeException e) {
                rounds.remove(id);
                throw e;
            }
        } else {
            Thread.ofVirtual().name("conduit-input-round").start(() -> round.result.complete(run.apply(background)));
        }
        return await(request, round);
    }

    /** Whether a client with {@code capabilities} can answer any question an upstream may ask. */
    private static boolean canBeAsked(ObjectNode capabilities) {
        for (String capability : CAPABILITY.values()) {
            if (capabilities.has(capability)) {
                return true;
            }
        }
        return false;
    }

    /** Waits until the request finishes or asks something the client has not been shown the answer for. */
    private JsonRpcResponse await(JsonRpcRequest request, Round round) {
        CompletableFuture<Void> asked = round.asked;
        if (round.open.isEmpty()) {
            CompletableFuture.anyOf(round.result, asked).join();
        }
        if (round.result.isDone() && round.open.isEmpty()) {
            rounds.remove(round.id);
            JsonRpcResponse done = round.result.join();
            return switch (done) {
                case JsonRpcResponse.Success success -> JsonRpcResponse.success(request.id(), success.result());
                case JsonRpcResponse.Failure failure -> JsonRpcResponse.failure(request.id(), failure.error());
            };
        }
        ObjectNode result = Json.object();
        result.put("resultType", "input_required");
        ObjectNode requests = result.putObject("inputRequests");
        for (Question question : new LinkedHashMap<>(round.open).values()) {
            ObjectNode item = requests.putObject(question.key());
            item.put("method", question.method());
            item.set("params", question.params());
        }
        result.put("requestState", sign(round.id + ":" + round.turn.incrementAndGet(), round.principal));
        return JsonRpcResponse.success(request.id(), result);
    }

    /**
     * An upstream's questions during a modern request: kept for the client's next round trip (all of one batch in
     * the same {@code input_required}, under the upstream's own keys when they are free), which this waits for, at
     * most {@code timeout} plus the time a client may take to come back.
     */
    private List<JsonRpcResponse> ask(RequestContext cause, List<ClientRequests.Question> asked, Duration timeout) {
        Round round = rounds.values().stream().filter(candidate -> cause.cancellation().within(candidate.cancellation))
                .findFirst().orElse(null);
        JsonRpcId id = JsonRpcId.of("conduit-input-" + questions.incrementAndGet());
        if (round == null) {
            return refuse(asked, JsonRpcError.of(Outcome.INTERNAL_ERROR.code(), "cannot reach the client: its "
                    + "2026-07-28 request cannot take input_required"));
        }
        for (ClientRequests.Question question : asked) {
            String capability = CAPABILITY.getOrDefault(question.method(), "");
            if (capability.isEmpty() || !round.clientCapabilities.has(capability)) {
                ObjectNode data = Json.object();
                data.putObject("requiredCapabilities").putObject(capability.isEmpty() ? question.method() : capability);
                // The client's request ends here: it cannot give what the upstream needs.
                round.result.complete(JsonRpcResponse.failure(id, new JsonRpcError(
                        ErrorCodes.MISSING_CLIENT_CAPABILITY, "Missing required client capability: the upstream asks for "
                        + question.method() + ", which needs the '" + capability + "' capability in "
                        + "io.modelcontextprotocol/clientCapabilities", Optional.of(data))));
                round.asked.complete(null);
                return refuse(asked, JsonRpcError.methodNotFound(question.method()
                        + " (the client of this request did not declare the capability)"));
            }
        }
        List<Question> open = new ArrayList<>();
        synchronized (round) {
            // Registered together and announced once: the client sees the whole batch in one input_required.
            for (ClientRequests.Question question : asked) {
                String key = question.key().filter(name -> !round.open.containsKey(name)).orElseGet(() -> {
                    String generated;
                    do {
                        generated = "input-" + round.questions.incrementAndGet();
                    } while (round.open.containsKey(generated));
                    return generated;
                });
                Question registered = new Question(key, question.method(), question.params(),
                                                   new CompletableFuture<>());
                ObjectNode known = round.answered.remove(key);
                if (known != null) {
                    // Answered already (in advance, or in the round another replica held): given without asking again.
                    registered.answer().complete(JsonRpcResponse.success(JsonRpcId.of(key), known));
                } else {
                    round.open.put(key, registered);
                }
                open.add(registered);
            }
            if (!round.open.isEmpty()) {
                CompletableFuture<Void> previous = round.asked;
                round.asked = new CompletableFuture<>();
                previous.complete(null);
            }
        }
        long deadline = System.nanoTime() + timeout.plus(IDLE).toNanos();
        try {
            List<JsonRpcResponse> answers = new ArrayList<>();
            for (Question question : open) {
                answers.add(question.answer().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return answers;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return refuse(asked, Outcome.TIMEOUT.error("the client did not answer"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refuse(asked, Outcome.CANCELLED.error("interrupted while waiting for the client"));
        } finally {
            open.forEach(question -> round.open.remove(question.key()));
        }
    }

    private static List<JsonRpcResponse> refuse(List<ClientRequests.Question> asked, JsonRpcError error) {
        return asked.stream().map(question -> JsonRpcResponse.failure(JsonRpcId.of("conduit-input"),
                JsonRpcError.of(error.code(), question.method() + ": " + error.message()))).toList();
    }

    private String sign(String id, String principal) {
        return signer.sign(id, principal);
    }

    /** Whether {@code state} verifies for {@code principal} although no round here has it: issued by another replica. */
    private boolean issuedElsewhere(String state, String principal) {
        int dot = state.lastIndexOf('.');
        int colon = state.lastIndexOf(':', dot);
        if (dot <= 0 || colon <= 0 || rounds.containsKey(state.substring(0, colon))) {
            return false; // a round here: its own rules (the latest turn only) hold
        }
        return signer.verify(state, principal).isPresent();
    }

    /** The round a state names, if the state is this process's, unaltered, and of the round's latest turn. */
    private Optional<Round> verify(String state, String principal) {
        Optional<String> verified = signer.verify(state, principal);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        String signed = verified.get();
        int colon = signed.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        Round round = rounds.get(signed.substring(0, colon));
        return round != null && signed.substring(colon + 1).equals(Long.toString(round.turn.get()))
                ? Optional.of(round) : Optional.empty();
    }

    /** Rounds whose client stopped coming back: their upstream work is cancelled. */
    private void expire() {
        long now = System.nanoTime();
        rounds.values().removeIf(round -> {
            boolean idle = now - round.lastSeenNanos > IDLE.toNanos();
            if (idle) {
                round.cancellation.cancel("the client did not come back with the input it was asked for");
            }
            return idle;
        });
    }

    /** Requests waiting across round trips now. */
    int waiting() {
        return rounds.size();
    }

    void close() {
        sweeper.shutdownNow();
    }

    private static byte[] stateKey(byte[] secret) {
        // A key of its own for states, derived from the cluster secret (which also signs session ids).
        byte[] labelled = new byte[secret.length + 1];
        System.arraycopy(secret, 0, labelled, 0, secret.length);
        labelled[secret.length] = 'r';
        return dev.conduit.core.Sha256.of(labelled);
    }
}
