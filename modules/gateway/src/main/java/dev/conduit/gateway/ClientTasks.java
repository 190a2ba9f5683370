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
import java.util.function.Function;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.Timers;
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
 * Tasks live in this server's memory: another replica does not know them, and a restart ends them. Thread-safe.
 */
final class ClientTasks implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ClientTasks.class.getName());
    static final String TASKS_GET = "tasks/get";
    static final String TASKS_RESULT = "tasks/result";
    static final String TASKS_LIST = "tasks/list";
    static final String TASKS_CANCEL = "tasks/cancel";
    static final int MAX_PER_KEY = 100;
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    static final Duration MAX_TTL = Duration.ofHours(1);
    private static final Duration MIN_TTL = Duration.ofSeconds(1);
    private static final long POLL_INTERVAL_MS = 1000;
    private static final int STATUS_MESSAGE_CHARACTERS = 300;

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
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
        handlers.put(TASKS_GET, offeredOnly((request, context) -> owned(request, context).toJson()));
        handlers.put(TASKS_RESULT, offeredOnly(this::result));
        handlers.put(TASKS_LIST, offeredOnly(this::list));
        handlers.put(TASKS_CANCEL, offeredOnly(this::cancel));
    }

    /** A session of another revision was not offered tasks: to it these methods do not exist. */
    private static MethodHandler offeredOnly(MethodHandler handler) {
        return (request, context) -> {
            if (!offered(context)) {
                throw new RpcException(JsonRpcError.methodNotFound(request.method() + " (tasks are offered to clients "
                        + "of protocol revision 2025-11-25 only)"));
            }
            return handler.handle(request, context);
        };
    }

    /** {@code tools/list}'s result for {@code context}: every tool may run as a task when the session is offered them. */
    static JsonNode listing(JsonNode result, RequestContext context) {
        if (offered(context) && result.get("tools") instanceof ArrayNode tools) {
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
        Duration ttl = ttl(request.params().path("task").path("ttl"));
        Task task = new Task(id, owner, ttl, context);
        synchronized (this) { // room made and taken at once: two starts cannot both take the last place
            makeRoom(owner);
            tasks.put(id, task);
        }
        task.expiry = expiry.schedule(() -> expire(task), ttl.toMillis(), TimeUnit.MILLISECONDS);
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

    private static Duration ttl(JsonNode asked) {
        if (!asked.isNumber()) {
            return DEFAULT_TTL;
        }
        long millis = asked.asLong();
        return millis < MIN_TTL.toMillis() ? MIN_TTL : millis > MAX_TTL.toMillis() ? MAX_TTL : Duration.ofMillis(millis);
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
        if (task == null || !task.owner.equals(context.principal().id())) {
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
        List<Task> own = tasks.values().stream().filter(task -> task.owner.equals(context.principal().id()))
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

        Task(String id, String owner, Duration ttl, RequestContext creator) {
            this.id = id;
            this.owner = owner;
            this.ttl = ttl;
            this.channel = new TaskChannel(id, this::touch);
            // The creator's principal, session and correlation id; a channel and a cancellation of its own, as the
            // creator's request is answered at once.
            this.context = new RequestContext(creator.principal(), creator.correlationId(), creator.session(),
                                              channel, new Cancellation());
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
                return response == cancelledAnswer ? "cancelled"
                        : response instanceof JsonRpcResponse.Success success && !success.result().path("isError")
                        .asBoolean(false) ? "completed" : "failed";
            }
            return questions.asking(context) ? "input_required" : "working";
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
                case "input_required" -> Optional.of("The call asks the client something: call tasks/result to see it");
                default -> Optional.empty();
            };
        }

        ObjectNode toJson() {
            String status = status();
            ObjectNode json = Json.object();
            json.put("taskId", id);
            json.put("status", status);
            statusMessage(status).ifPresent(message -> json.put("statusMessage", message));
            json.put("createdAt", created.toString());
            json.put("lastUpdatedAt", updated.toString());
            json.put("ttl", ttl.toMillis());
            json.put("pollInterval", POLL_INTERVAL_MS);
            return json;
        }
    }
}
