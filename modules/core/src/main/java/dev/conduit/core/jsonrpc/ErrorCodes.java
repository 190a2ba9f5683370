package dev.conduit.core.jsonrpc;

/**
 * The JSON-RPC error codes Conduit answers with. The standard ones come from JSON-RPC 2.0; the server range ones are
 * kept from the original Conduit so that its clients keep working. New codes are documented in docs/errors.md.
 */
public final class ErrorCodes {
    /** The body was not valid JSON. */
    public static final int PARSE_ERROR = -32700;
    /** The JSON was not a valid JSON-RPC request. */
    public static final int INVALID_REQUEST = -32600;
    /** No such method. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** The params do not fit the method. */
    public static final int INVALID_PARAMS = -32602;
    /** A fault of the server; details are in the log under the correlation id. */
    public static final int INTERNAL_ERROR = -32603;
    /** The server is at capacity; retry later. Also used for transport-level refusals, as the MCP SDKs do. */
    public static final int SERVER_BUSY = -32000;
    /** The request was cancelled by its client before it finished (the code LSP uses; MCP names none). */
    public static final int REQUEST_CANCELLED = -32800;
    /** No upstream offers the resource a {@code resources/read} names (the code the MCP specification gives). */
    public static final int RESOURCE_NOT_FOUND = -32002;
    /** A package or tool named in the original's discovery methods does not exist (kept from Conduit 1.0). */
    public static final int NOT_FOUND = -32001;
    /** The caller may not do this. */
    public static final int FORBIDDEN = -32003;
    /** Too many requests. */
    public static final int RATE_LIMITED = -32005;
    /** The execution ran out of time. */
    public static final int TIMEOUT = -32008;
    /** The execution ran out of memory. */
    public static final int MEMORY_LIMIT = -32009;
    /** The execution wrote more output than allowed. */
    public static final int OUTPUT_LIMIT = -32013;
    /** The execution wrote more log entries than allowed. */
    public static final int LOG_LIMIT = -32014;
    /** The execution made more tool calls than its budget allows (new in Conduit for Java). */
    public static final int TOOL_BUDGET = -32015;
    /** The execution's code is larger than allowed, or its stack deeper (new in Conduit for Java). */
    public static final int CODE_LIMIT = -32016;
    /** MCP 2026-07-28: the HTTP headers do not match the body, or a required one is missing or malformed. */
    public static final int HEADER_MISMATCH = -32020;
    /** MCP 2026-07-28: the request needs a client capability its {@code _meta} does not declare. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** MCP 2026-07-28: the request's protocol version is not one this server speaks. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private ErrorCodes() {
    }
}
