package dev.conduit.core.jsonrpc;

/**
 * What a JSON-RPC message too large to read was, told from its first and last bytes alone: the answer to which
 * request, a notification, or a request. A peer's one oversized answer can then fail the one call it answers, not the
 * connection every other call shares.
 * <p>
 * Only the members the official SDKs put first or last are read: {@code jsonrpc}, {@code id} and {@code method}
 * (the TypeScript SDK writes {@code {"result":..,"jsonrpc":"2.0","id":7}}, others {@code {"jsonrpc":"2.0","id":7,..}}).
 * Members found before the first member of another name, or right before the final brace, are the message's own (a
 * string holding the same text has its quotes escaped); what they do not tell is {@link Unknown}.
 */
public sealed interface OversizedMessage {

    /** An answer (result or error) to request {@code id}. */
    record Response(JsonRpcId id) implements OversizedMessage {
    }

    /** A request with {@code id}. */
    record Request(JsonRpcId id, String method) implements OversizedMessage {
    }

    /** A notification (a method and no id). */
    record Notification(String method) implements OversizedMessage {
    }

    /** Not told apart. */
    record Unknown() implements OversizedMessage {
    }

    /** What the message starting with {@code head} and ending with {@code tail} is. */
    static OversizedMessage of(byte[] head, byte[] tail) {
        return OversizedMessageReader.read(head, tail);
    }
}
