package dev.conduit.core.jsonrpc;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.conduit.core.spi.ExecutionOutcome;

/**
 * Every way a request, an execution or a program's tool call can end, and what each one means everywhere it shows:
 * the JSON-RPC code, the HTTP status when the HTTP transport answers it before the request reaches the server, the
 * label in metrics and logs, and the word in an execution's tool-call trace. This table is the one place those are
 * chosen; {@code docs/errors.md} is its prose.
 * <p>
 * Several transport refusals share -32000, the code the MCP SDKs use for them, and differ in HTTP status and label.
 */
public enum Outcome {
    /** Answered with a result. */
    OK(0, 200, "ok"),

    /** The body is not JSON. */
    PARSE_ERROR(ErrorCodes.PARSE_ERROR, 400, "invalid"),
    /** Not a JSON-RPC request, or a batch where none is accepted. */
    INVALID_REQUEST(ErrorCodes.INVALID_REQUEST, 400, "invalid"),
    /** No such method. */
    METHOD_NOT_FOUND(ErrorCodes.METHOD_NOT_FOUND, 200, "not_found"),
    /** The params do not fit the method (an unknown tool among them). */
    INVALID_PARAMS(ErrorCodes.INVALID_PARAMS, 200, "invalid"),
    /** A fault of the server, logged under the correlation id. */
    INTERNAL_ERROR(ErrorCodes.INTERNAL_ERROR, 500, "error"),
    /** A package or tool named in the original's discovery methods does not exist. */
    NOT_FOUND(ErrorCodes.NOT_FOUND, 200, "not_found"),
    /** No upstream the caller may see offers the resource a read names. */
    RESOURCE_NOT_FOUND(ErrorCodes.RESOURCE_NOT_FOUND, 200, "not_found"),

    /** No key, or a wrong one. */
    UNAUTHENTICATED(ErrorCodes.FORBIDDEN, 401, "refused"),
    /** The key may not do this, or the Host or Origin is foreign. */
    FORBIDDEN(ErrorCodes.FORBIDDEN, 403, "refused"),
    /** One of the key's rate-limit buckets is empty. */
    RATE_LIMITED(ErrorCodes.RATE_LIMITED, 429, "rate_limited"),

    /** At capacity (no execution slot, too many sessions) or shutting down: retry later. */
    BUSY(ErrorCodes.SERVER_BUSY, 503, "busy"),
    /** The body is not {@code application/json}. */
    UNSUPPORTED_MEDIA_TYPE(ErrorCodes.SERVER_BUSY, 415, "refused"),
    /** The client does not accept the media types the answer may come in. */
    NOT_ACCEPTABLE(ErrorCodes.SERVER_BUSY, 406, "refused"),
    /** An HTTP method the endpoint does not serve. */
    METHOD_NOT_ALLOWED(ErrorCodes.SERVER_BUSY, 405, "refused"),
    /** A request that needs a session came without one, or named a protocol version this server lacks. */
    BAD_REQUEST(ErrorCodes.SERVER_BUSY, 400, "refused"),
    /** The session is unknown, ended, expired or another key's. */
    SESSION_NOT_FOUND(ErrorCodes.SERVER_BUSY, 404, "refused"),
    /** The session already has its one GET stream. */
    STREAM_CONFLICT(ErrorCodes.SERVER_BUSY, 409, "refused"),
    /** The body is over the size limit. */
    BODY_TOO_LARGE(ErrorCodes.INVALID_REQUEST, 413, "invalid"),
    /** A modern request whose HTTP headers do not match its body (or lack a required one). */
    HEADER_MISMATCH(ErrorCodes.HEADER_MISMATCH, 400, "invalid"),
    /** A modern request that needs a client capability it did not declare. */
    MISSING_CLIENT_CAPABILITY(ErrorCodes.MISSING_CLIENT_CAPABILITY, 400, "invalid"),
    /** A request naming a protocol version this server does not speak. */
    UNSUPPORTED_PROTOCOL_VERSION(ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION, 400, "invalid"),

    /** The client cancelled, went away, or the server stopped the request at shutdown. */
    CANCELLED(ErrorCodes.REQUEST_CANCELLED, 200, "cancelled"),
    /** An execution crossed its wall time or CPU time. */
    TIMEOUT(ErrorCodes.TIMEOUT, 200, "timeout"),
    /** An execution crossed its memory limit. */
    MEMORY(ErrorCodes.MEMORY_LIMIT, 200, "memory"),
    /** An execution wrote more than its output limit. */
    OUTPUT(ErrorCodes.OUTPUT_LIMIT, 200, "output"),
    /** An execution wrote more lines than its log-entry limit. */
    LOGS(ErrorCodes.LOG_LIMIT, 200, "logs"),
    /** An execution made more tool calls than its budget. */
    TOOL_BUDGET(ErrorCodes.TOOL_BUDGET, 200, "tool_budget"),
    /** A program larger than allowed. */
    CODE_SIZE(ErrorCodes.CODE_LIMIT, 200, "code_size"),
    /** A call stack deeper than allowed. */
    STACK_DEPTH(ErrorCodes.CODE_LIMIT, 200, "stack_depth"),
    /** A program threw: a result with exit code 1, not an error. */
    GUEST_ERROR(0, 200, "guest_error"),
    /** A tool answered with {@code isError}: a result the model reads; a program gets a {@code ToolError}. */
    TOOL_ERROR(0, 200, "error");

    /** The code a program's {@code ToolError} carries for a tool that answered with {@code isError}. */
    public static final String GUEST_TOOL_ERROR_CODE = "TOOL_ERROR";

    private static final Map<Integer, Outcome> BY_CODE = Arrays.stream(values())
            .filter(outcome -> outcome.code != 0)
            // The first row of a code is the one a bare JSON-RPC error of that code means.
            .collect(Collectors.toMap(Outcome::code, Function.identity(), (first, later) -> first));

    private final int code;
    private final int httpStatus;
    private final String label;

    Outcome(int code, int httpStatus, String label) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.label = label;
    }

    /** The JSON-RPC error code; 0 for outcomes that are results. */
    public int code() {
        return code;
    }

    /** The HTTP status when the HTTP transport answers this outcome itself; 200 when it rides in a response body. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The label of metrics and logs ({@code conduit_executions_finished_total{outcome}} and others). */
    public String label() {
        return label;
    }

    /**
     * The label of {@code conduit_requests_total}: execution limits are one class there ({@code limit}); the finer
     * label is on {@code conduit_executions_finished_total}.
     */
    public String requestLabel() {
        return switch (this) {
            case TIMEOUT, MEMORY, OUTPUT, LOGS, TOOL_BUDGET, CODE_SIZE, STACK_DEPTH -> "limit";
            default -> label;
        };
    }

    /** The word for a program's tool call in the execution's trace and audit record. */
    public String traceWord() {
        return switch (this) {
            case OK -> "ok";
            case FORBIDDEN -> "refused";
            case TOOL_BUDGET -> "budget";
            case RATE_LIMITED -> "rate_limited";
            case CANCELLED -> "cancelled";
            default -> "error";
        };
    }

    /** A JSON-RPC error of this outcome. */
    public JsonRpcError error(String message) {
        return JsonRpcError.of(code, message);
    }

    /** What a JSON-RPC error code means; {@link #INTERNAL_ERROR} for a code this server does not send itself. */
    public static Outcome ofCode(int code) {
        return BY_CODE.getOrDefault(code, INTERNAL_ERROR);
    }

    /** How an execution ended. */
    public static Outcome of(ExecutionOutcome outcome) {
        return switch (outcome) {
            case ExecutionOutcome.Completed completed -> OK;
            case ExecutionOutcome.GuestError error -> GUEST_ERROR;
            case ExecutionOutcome.LimitExceeded exceeded -> of(exceeded.limit());
        };
    }

    /** The outcome of an execution stopped at {@code limit}. */
    public static Outcome of(ExecutionOutcome.Limit limit) {
        return switch (limit) {
            case WALL_TIME, CPU_TIME -> TIMEOUT;
            case MEMORY -> MEMORY;
            case OUTPUT -> OUTPUT;
            case LOG_ENTRIES -> LOGS;
            case TOOL_CALLS -> TOOL_BUDGET;
            case CODE_SIZE -> CODE_SIZE;
            case STACK_DEPTH -> STACK_DEPTH;
            case CANCELLED -> CANCELLED;
        };
    }
}
