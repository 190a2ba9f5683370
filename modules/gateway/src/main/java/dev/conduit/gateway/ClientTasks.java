package dev.conduit.gateway;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.McpMethods;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.TaskTtl;
import dev.conduit.core.Timers;
import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.ErrorMapper;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tasks (MCP 2025-11-25, experimental) offered to clients of that revision for {@code tools/call}: a call that asks for
 * a task is answered at once with the task, runs on, and its result is fetched later ({@code tasks/result}, which
 * waits for the end), so a long program or upstream call holds no request open. Its status is polled with
 * {@code tasks/get}, listed with {@code tasks/list}, and it is stopped with {@code tasks/cancel}. A question the work
 * asks its client (an upstream's elicitation) waits for a {@code tasks/result} to carry it ({@link TaskChannel}).
 *
 * <p>A task belongs to the key that created it: another key's {@code tasks/*} requests do not find it (-32602). Task
 * ids are 128 random bits. A key keeps at most {@value #MAX_PER_KEY} tasks; past that, its oldest ended task is
 * dropped, or the new task refused when all are still working. A task is kept for its {@code ttl} (asked for by the
 * client, at most an hour, ten minutes by default) from its creation, then dropped, and stopped if still working.
 * Tasks live in this server's memory: another replica does not know them, and a restart ends them.
 *
 * <p>2026-07-28 clients that declare the tasks extension ({@value #EXTENSION}) on a {@code tools/call} get tasks the
 * gateway decides on, as the extension has it: a call still running after {@link #TASK_AFTER}, or asking its client
 * something, is answered with the task ({@code resultType: "task"}); {@code tasks/get} shows it with its result, error
 * or questions inline, {@code tasks/update} answers its questions ({@link TaskQuestions}), {@code tasks/cancel} stops
 * it. Thread-safe.
 */
final class ClientTasks implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ClientTasks.class.getName());
    /** The 2026-07-28 tasks extension's id, in client and server capabilities. */
    static final String EXTENSION = "io.modelcontextprotocol/tasks";
    /** How long a 2026 call runs before it is answered as a task instead (it is at once when it asks something). */
    static final Duration TASK_AFTER = Duration.ofSeconds(1);
    static final int MAX_PER_KEY = 100;
    private static final long POLL_INTERVAL_MS = 1000;
    private static final int STATUS_MESSAGE_CHARACTERS = 300;
    /** How long a 2026 call that asked something first waits for the client's retry with the answers. */
    private static final Duration ROUND_IDLE = Duration.ofMinutes(5);

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    /** 2026 calls waiting for the client's retry with answers (not yet tasks), by the state they were given. */
    private final Map<String, Task> rounds = new ConcurrentHashMap<>();
    private final ClientRequests questions;
    private final int pageSize;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService expiry = Timers.daemon("conduit-task-expiry");

    ClientTasks(ClientRequests questions, int pageSize) {
        this.questions = questions;
        this.pageSize = pageSize;
    }

    /** What the server declares in {@code initialize} for a session that is offered tasks. */
    static ObjectNode capability() {
        ObjectNode tasks = Json.object();
        tasks.putObject("list");
        tasks.putObject("cancel");
        tasks.putObject("requests").putObject("tools").putObject("call");
        return tasks;
    }

    /** Whether the session of {@code context} is offered tasks: those of 2025-11-25, the revision that has them. */
    static boolean offered(RequestContext context) {
        return context.session().protocolVersion() == ProtocolVersion.V2025_11_25;
    }

    /** Whether {@code request} asks to run as a task, and may. */
    static boolean asked(JsonRpcRequest request, RequestContext context) {
        return request.params().path("task").isObject() && offered(context);
    }

    void register(Map<String, MethodHandler> handlers) {
        handlers.put(McpMethods.TASKS_GET, byEra((request, context) -> owned(request, context).toJson(),
                (request, context) -> owned(request, context).toModernJson()));
        handlers.put(McpMethods.TASKS_CANCEL, byEra(this::cancel, (request, context) -> {
            owned(request, context).cancel(); // acknowledged whether it still ran: the extension's cancel is a wish
            return Json.object();
        }));
        handlers.put(McpMethods.TASKS_RESULT, byEra(this::result, null));
        handlers.put(McpMethods.TASKS_LIST, byEra(this::list, null));
        handlers.put(McpMethods.TASKS_UPDATE, byEra(null, this::update));
    }

    /**
     * A method of tasks as each era has it ({@code null}: not in that era). A 2025 session of another revision was
     * not offered tasks, and a 2026 request must declare the extension (-32021 otherwise, as the extension says).
     */
    private static MethodHandler byEra(MethodHandler legacy, MethodHandler modern) {
        return (request, context) -> {
            boolean isModern = context.session().protocolVersion().modern();
            MethodHandler handler = isModern ? modern : legacy;
            if (handler == null || !isModern && !offered(context)) {
                throw new RpcException(JsonRpcError.methodNotFound(request.method() + (isModern
                        ? " (not a method of the 2026-07-28 tasks extension)"
                        : " (tasks are offered to clients of protocol revision 2025-11-25, and of 2026-07-28 with the "
                          + "tasks extension)")));
            }
            if (isModern && !declared(context)) {
                ObjectNode data = Json.object();
                data.putObject("requiredCapabilities").putObject("extensions").putObject(EXTENSION);
                throw new RpcException(new JsonRpcError(ErrorCodes.MISSING_CLIENT_CAPABILITY, "Missing required client "
                        + "capability: " + request.method() + " needs the " + EXTENSION + " extension in "
                        + "io.modelcontextprotocol/clientCapabilities", Optional.of(data)));
            }
            return handler.handle(request, context);
        };
    }

    /** Whether the 2026 request of {@code context} declares the tasks extension. */
    static boolean declared(RequestContext context) {
        return context.session().clientCapabilities().path("extensions").has(EXTENSION);
    }

    /**
     * {@code tools/list}'s result for {@code context}: every tool may run as a task when the session is offered them
     * (2025-11-25), or for 2026-07-28 clients when their call declares the extension.
     */
    static JsonNode listing(JsonNode result, RequestContext context) {
        if ((offered(context) || context.session().protocolVersion().modern())
            && result.get("tools") instanceof ArrayNode tools) {
            tools.forEach(tool -> {
                if (tool instanceof ObjectNode definition) {
                    ObjectNode execution = definition.get("execution") instanceof ObjectNode existing
                            ? existing : definition.putObject("execution");
                    execution.put("taskSupport", "optional");
                }
            });
        }
        return result;
    }

    /**
     * Starts {@code work} (the call, served under the task's own context, answering as the call would) as a task of
     * {@code context}'s key and answers with the task ({@code CreateTaskResult}).
     *
     * @throws RpcException when the key already has {@value #MAX_PER_KEY} tasks working
     */
    JsonNode start(JsonRpcRequest request, RequestContext context, Function<RequestContext, JsonRpcResponse> work) {
        String owner = context.principal().id();
        String id = newId();
        Duration ttl = TaskTtl.granted(request.params().path("task").path("ttl"));
        Task task = new Task(id, owner, ttl, context, false);
        keep(task);
        LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] " + request.params().path("name").asString("")
                                      + " runs as task " + id + " of key " + owner);
        ObjectNode result = Json.object();
        result.set("task", task.toJson()); // taken before the work starts: a task begins working, however quick
        Thread.ofVirtual().name("conduit-task").start(() -> {
            try {
                task.end(work.apply(task.context));
            } finally {
                // Work that escaped with an error of the JVM's still ends its task: tasks/result must not wait on.
                task.end(JsonRpcResponse.failure(JsonRpcId.NULL, ErrorMapper.internalError(context.correlationId())));
            }
        });
        return result;
    }

    /**
     * Whether {@link #serveModern} serves {@code request}, a 2026 {@code tools/call} whose client declared the tasks
     * extension: a first round, or one that carries the {@code requestState} of a round of its own (another state is
     * an ordinary multi round-trip request's, for {@link InputRounds}).
     */
    boolean serves(JsonRpcRequest request) {
        JsonNode state = request.params().path("requestState");
        return state.isMissingNode() || state.isNull() || state.isString() && rounds.containsKey(state.stringValue());
    }

    /**
     * Serves a 2026 {@code tools/call} whose client declared the tasks extension: runs {@code work} under a task's
     * context and answers with its response when it ends within {@link #TASK_AFTER} without asking anything; with an
     * {@code input_required} round trip (as without the extension) when it asks something first, the client's retry
     * with the answers going on the same way; and with the task, which runs on, when it is still running after
     * {@link #TASK_AFTER} or its upstream made a task of it (such a task's questions are then the task's).
     *
     * @throws RpcException when the key already has {@value #MAX_PER_KEY} tasks working (the work is stopped), or the
     *                      request's state names no round of this key's
     */
    JsonRpcResponse serveModern(JsonRpcRequest request, RequestContext context,
                                Function<RequestContext, JsonRpcResponse> work) {
        JsonNode state = request.params().path("requestState");
        if (state.isString()) {
            Task task = rounds.get(state.stringValue());
            // Another key's request cannot end this key's round; of two retries with the same state, one goes on.
            if (task == null || !task.owner.equals(context.principal().id())
                || !rounds.remove(state.stringValue(), task)) {
                throw new RpcException(JsonRpcError.invalidParams("Invalid params: requestState is not one this "
                        + "server issued to this key (expired or already answered); send the request again without it"));
            }
            task.questions.answer(request.params().path("inputResponses"));
            return settle(request, context, task);
        }
        Task task = new Task(newId(), context.principal().id(), TaskTtl.DEFAULT, context, true);
        Cancellation.Registration routed = questions.route(task.context.cancellation(), task.questions::ask);
        Cancellation.Registration watched = questions.onUpstreamTask(task.context.cancellation(),
                                                                     () -> task.upstreamTask.complete(null));
        task.routes = () -> {
            routed.close();
            watched.close();
        };
        Thread.ofVirtual().name("conduit-task").start(() -> {
            try {
                task.done.complete(work.apply(task.context));
            } finally {
                task.done.complete(JsonRpcResponse.failure(request.id(),
                                                           ErrorMapper.internalError(context.correlationId())));
            }
        });
        return settle(request, context, task);
    }

    /** One round of {@link #serveModern}: waits up to {@link #TASK_AFTER}, then answers as that method says. */
    private JsonRpcResponse settle(JsonRpcRequest request, RequestContext context, Task task) {
        CompletableFuture<Void> asked = task.asked;
        // Until it becomes a task, the request's own cancellation stops the work; afterwards only tasks/cancel does.
        try (Cancellation.Registration _ = context.cancellation().onCancel(() -> task.context.cancellation().cancel(
                context.cancellation().reason().orElse("cancelled")))) {
            if (!task.questions.waiting()) {
                CompletableFuture.anyOf(task.done, asked, task.upstreamTask)
                        .get(TASK_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            // Still working: it becomes a task.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.context.cancellation().cancel("the request was interrupted");
            task.routes.close();
            throw new RpcException(Outcome.CANCELLED.error("the request was interrupted"));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // completed normally only
        }
        if (task.done.isDone() && !task.questions.waiting()) {
            task.routes.close();
            return switch (task.done.join()) {
                case JsonRpcResponse.Success success -> JsonRpcResponse.success(request.id(), success.result());
                case JsonRpcResponse.Failure failure -> JsonRpcResponse.failure(request.id(), failure.error());
            };
        }
        if (task.questions.waiting() && !task.upstreamTask.isDone()) {
            return inputRound(request, task);
        }
        try {
            keep(task);
        } catch (RpcException e) {
            task.context.cancellation().cancel("refused: " + e.getMessage());
            task.routes.close();
            throw e;
        }
        LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] " + request.params().path("name").asString("")
                                      + " runs on as task " + task.id + " of key " + task.owner);
        ObjectNode created = task.toModernJson();
        created.put("resultType", "task");
        task.done.whenComplete((response, failure) -> {
            task.end(response);
            task.routes.close();
        });
        return JsonRpcResponse.success(request.id(), created);
    }

    /**
     * Answers with the questions the work asks ({@code input_required}), its state naming the round, which waits for
     * the client's retry at most {@link #ROUND_IDLE} (the work is stopped after that).
     */
    private JsonRpcResponse inputRound(JsonRpcRequest request, Task task) {
        task.asked = new CompletableFuture<>(); // the next round waits for questions asked after these
        String state = newId();
        rounds.put(state, task);
        expiry.schedule(() -> {
            if (rounds.remove(state, task)) {
                task.context.cancellation().cancel("the client did not come back with its answers within "
                                                   + ROUND_IDLE.toMinutes() + " minutes");
                task.routes.close();
            }
        }, ROUND_IDLE.toMillis(), TimeUnit.MILLISECONDS);
        ObjectNode result = Json.object();
        result.put("resultType", "input_required");
        result.set("inputRequests", task.questions.inputRequests());
        result.put("requestState", state);
        return JsonRpcResponse.success(request.id(), result);
    }

    /** Keeps {@code task} for its key (room made and taken at once) until its ttl. */
    private void keep(Task task) {
        synchronized (this) { // two starts cannot both take the last place
            makeRoom(task.owner);
            tasks.put(task.id, task);
        }
        task.expiry = expiry.schedule(() -> expire(task), task.ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A 2026 client's answers to its task's questions; acknowledged whether or not they answered any. */
    private JsonNode update(JsonRpcRequest request, RequestContext context) {
        Task task = owned(request, context);
        JsonNode responses = request.params().path("inputResponses");
        if (!responses.isObject()) {
            throw new RpcException(JsonRpcError.invalidParams("Invalid params: tasks/update needs inputResponses, an "
                                                              + "object of answers by the keys of inputRequests"));
        }
        if (task.questions.answer(responses)) {
            task.touch();
        }
        return Json.object();
    }

    /**
     * Takes a client's answer to a question of one of its key's 2025 tasks, from whichever session of that key it
     * comes: a task outlives the session that created it (its client may have reconnected, and polls
     * {@code tasks/result} from a new one), so its questions are matched by key, not by session.
     *
     * @return whether {@code response} answered such a question
     */
    boolean answer(RequestContext context, JsonRpcResponse response) {
        String owner = context.principal().id();
        for (Task task : tasks.values()) {
            if (!task.modern && task.owner.equals(owner) && task.channel.answered(response.id())) {
                return questions.complete(task.context.session(), response);
            }
        }
        return false;
    }

    /** Tasks kept now, for a gauge. */
    int held() {
        return tasks.size();
    }

    /** Cancels every working task: the server is stopping. */
    void cancelAll(String why) {
        tasks.values().forEach(task -> task.context.cancellation().cancel(why));
    }

    @Override
    public void close() {
        expiry.shutdownNow();
    }

    private void makeRoom(String owner) {
        List<Task> own = tasks.values().stream().filter(task -> task.owner.equals(owner))
                .sorted(Comparator.comparing(task -> task.created)).toList();
        if (own.size() < MAX_PER_KEY) {
            return;
        }
        Task oldestEnded = own.stream().filter(task -> task.outcome.isDone()).findFirst()
                .orElseThrow(() -> new RpcException(Outcome.BUSY.error("this key has " + MAX_PER_KEY + " tasks "
                        + "working; wait for one to end, or stop one with tasks/cancel")));
        drop(oldestEnded);
    }

    private String newId() {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return HexFormat.of().formatHex(bits);
    }

    private void expire(Task task) {
        if (!task.outcome.isDone()) {
            task.context.cancellation().cancel("the task's ttl ran out");
        }
        drop(task);
    }

    private void drop(Task task) {
        tasks.remove(task.id, task);
        if (task.expiry != null) {
            task.expiry.cancel(false);
        }
    }

    /** The task {@code request} names, when it belongs to the caller's key; -32602 otherwise, as for no such task. */
    private Task owned(JsonRpcRequest request, RequestContext context) {
        String id = Params.requiredString(request.paramsObject(), "taskId");
        Task task = tasks.get(id);
        if (task == null || !task.owner.equals(context.principal().id())
            || task.modern != context.session().protocolVersion().modern()) {
            throw new RpcException(JsonRpcError.invalidParams("Failed to retrieve task: no task " + id + " for this key"
                    + " (unknown, expired after its ttl, or created on another server)"));
        }
        return task;
    }

    /** Waits for the task's end and answers exactly what its call answered, tagged with the task. */
    private JsonNode result(JsonRpcRequest request, RequestContext context) {
        Task task = owned(request, context);
        task.channel.attach(context.channel());
        CompletableFuture<JsonRpcResponse> ended = new CompletableFuture<>();
        task.outcome.whenComplete((response, failure) -> ended.complete(response));
        try (Cancellation.Registration _ = context.cancellation().onCancel(() -> ended.complete(null))) {
            JsonRpcResponse response = ended.get();
            if (response == null) {
                throw new RpcException(Outcome.CANCELLED.error("tasks/result was cancelled; the task goes on"));
            }
            return switch (response) {
                case JsonRpcResponse.Success success -> {
                    ObjectNode result = success.result() instanceof ObjectNode object ? object.deepCopy() : Json.object();
                    ObjectNode meta = result.get("_meta") instanceof ObjectNode existing ? existing
                            : result.putObject("_meta");
                    meta.putObject(TaskChannel.RELATED_TASK).put("taskId", task.id);
                    yield result;
                }
                case JsonRpcResponse.Failure failure -> throw new RpcException(failure.error());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(Outcome.CANCELLED.error("tasks/result was interrupted; the task goes on"));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // the outcome is only ever completed normally
        } finally {
            task.channel.detach(context.channel());
        }
    }

    private JsonNode list(JsonRpcRequest request, RequestContext context) {
        int offset = Params.optionalString(request.paramsObject(), "cursor").map(ToolMethods::decodeCursor).orElse(0);
        List<Task> own = tasks.values().stream()
                .filter(task -> task.owner.equals(context.principal().id()) && !task.modern)
                .sorted(Comparator.comparing((Task task) -> task.created).thenComparing(task -> task.id)).toList();
        if (offset > own.size()) {
            throw new RpcException(JsonRpcError.invalidParams("Invalid cursor: it does not name a position in the "
                                                              + "list (tasks ended and were dropped since)"));
        }
        int end = Math.min(own.size(), offset + pageSize);
        ObjectNode result = Json.object();
        ArrayNode page = result.putArray("tasks");
        own.subList(offset, end).forEach(task -> page.add(task.toJson()));
        if (end < own.size()) {
            result.put("nextCursor", ToolMethods.encodeCursor(end));
        }
        return result;
    }

    private JsonNode cancel(JsonRpcRequest request, RequestContext context) {
        Task task = owned(request, context);
        if (!task.cancel()) {
            throw new RpcException(JsonRpcError.invalidParams("Cannot cancel task: already in terminal status '"
                                                              + task.status() + "'"));
        }
        return task.toJson();
    }

    /** One task: its work's context and, once it ended, what the call answered. */
    private final class Task {
        final String id;
        final String owner;
        final Duration ttl;
        final Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        final TaskChannel channel;
        final RequestContext context;
        /** The call's response; a cancelled task's is the cancellation's. Only ever completed normally. */
        final CompletableFuture<JsonRpcResponse> outcome = new CompletableFuture<>();
        volatile Instant updated = created;
        /** The outcome of a task cancelled by its client: the work's own answer, should it still come, is not kept. */
        final JsonRpcResponse cancelledAnswer = JsonRpcResponse.failure(JsonRpcId.NULL,
                Outcome.CANCELLED.error("The task was cancelled by request"));
        volatile ScheduledFuture<?> expiry;
        /** Whether it is a task of the 2026 extension (polled, its questions answered by tasks/update). */
        final boolean modern;
        /** A 2026 task's questions; unused by a 2025 task, whose questions go out on tasks/result. */
        final TaskQuestions questions;
        /** Completed when a 2026 call's work asks its client something (replaced after each input round). */
        volatile CompletableFuture<Void> asked = new CompletableFuture<>();
        /** Completed when the upstream of a 2026 call made a task of it. */
        final CompletableFuture<Void> upstreamTask = new CompletableFuture<>();
        /** A 2026 call's response, once its work ended (the task's outcome is completed from it). */
        final CompletableFuture<JsonRpcResponse> done = new CompletableFuture<>();
        /** Ends what routes the work's questions and upstream tasks here (a 2026 call's). */
        volatile Cancellation.Registration routes = () -> { };

        Task(String id, String owner, Duration ttl, RequestContext creator, boolean modern) {
            this.id = id;
            this.owner = owner;
            this.ttl = ttl;
            this.modern = modern;
            this.channel = new TaskChannel(id, this::touch);
            // The creator's principal, session and correlation id; a channel and a cancellation of its own, as the
            // creator's request is answered at once. A 2026 task has no way back but tasks/get: progress and log
            // messages are not carried for tasks in that revision.
            this.context = new RequestContext(creator.principal(), creator.correlationId(), creator.session(),
                                              modern ? ClientChannel.discarding() : channel, new Cancellation());
            this.questions = new TaskQuestions(creator.session().clientCapabilities(), context.cancellation(), () -> {
                touch();
                asked.complete(null);
            });
        }

        void touch() {
            updated = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        }

        void end(JsonRpcResponse response) {
            if (outcome.complete(response)) {
                touch();
            }
        }

        /** Stops the work and makes the task cancelled; false when it had already ended. */
        boolean cancel() {
            if (!outcome.complete(cancelledAnswer)) {
                return false; // ended first: what it answered stands
            }
            touch();
            context.cancellation().cancel("the task was cancelled (tasks/cancel)");
            return true;
        }

        String status() {
            if (outcome.isDone()) {
                JsonRpcResponse response = outcome.join();
                // A tool's own error (isError) fails a 2025 task; a 2026 task fails only by a JSON-RPC error.
                return response == cancelledAnswer ? "cancelled"
                        : response instanceof JsonRpcResponse.Success success && (modern || !success.result()
                        .path("isError").asBoolean(false)) ? "completed" : "failed";
            }
            boolean waiting = modern ? questions.waiting() : ClientTasks.this.questions.asking(context);
            return waiting ? "input_required" : "working";
        }

        Optional<String> statusMessage(String status) {
            return switch (status) {
                case "failed" -> Optional.of(switch (outcome.join()) {
                    case JsonRpcResponse.Failure failure -> failure.error().message();
                    case JsonRpcResponse.Success success -> "the tool answered with an error: "
                            + success.result().path("content").path(0).path("text").asString("(no text)");
                }).map(message -> message.length() > STATUS_MESSAGE_CHARACTERS
                        ? message.substring(0, STATUS_MESSAGE_CHARACTERS) + "..." : message);
                case "cancelled" -> Optional.of("The task was cancelled by request");
                case "input_required" -> Optional.of(modern ? "The call asks the client something: answer its "
                        + "inputRequests with tasks/update" : "The call asks the client something: call tasks/result "
                        + "to see it");
                default -> Optional.empty();
            };
        }

        /** The task as the 2026 extension shows it: its result, error or questions inline. */
        ObjectNode toModernJson() {
            String status = status();
            ObjectNode json = common(status, "ttlMs", "pollIntervalMs");
            switch (status) {
                case "completed" -> json.set("result", ((JsonRpcResponse.Success) outcome.join()).result());
                case "failed" -> json.set("error", ((JsonRpcResponse.Failure) outcome.join()).error().toJson());
                case "input_required" -> json.set("inputRequests", questions.inputRequests());
                default -> {
                }
            }
            return json;
        }

        /** The task as 2025-11-25 shows it. */
        ObjectNode toJson() {
            return common(status(), "ttl", "pollInterval");
        }

        /** The members both eras show, under the names each gives its ttl and poll interval. */
        private ObjectNode common(String status, String ttlName, String pollName) {
            ObjectNode json = Json.object();
            json.put("taskId", id);
            json.put("status", status);
            statusMessage(status).ifPresent(message -> json.put("statusMessage", message));
            json.put("createdAt", created.toString());
            json.put("lastUpdatedAt", updated.toString());
            json.put(ttlName, ttl.toMillis());
            json.put(pollName, POLL_INTERVAL_MS);
            return json;
        }
    }
}
