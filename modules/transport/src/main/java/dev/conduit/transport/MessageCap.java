package dev.conduit.transport;

/**
 * The largest message a line channel writes, and the setting that says so (named in what the client gets instead).
 * Clients bound what they read: the official TypeScript SDK's stdio client (v1) closes the connection once more than
 * 10 MiB wait to be read, so one oversized answer ended every call in flight with it.
 *
 * @param bytes   the largest message, its newline not counted
 * @param setting the configuration key that sets it
 */
record MessageCap(int bytes, String setting) {
    /** No cap beyond what a Java array holds. */
    static final MessageCap NONE = new MessageCap(Integer.MAX_VALUE, "");

    MessageCap {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be >= 1");
        }
    }

    /** Whether a message of {@code length} bytes is over the cap. */
    boolean exceededBy(int length) {
        return length > bytes;
    }

    /** What the client is told in place of an answer of {@code length} bytes to {@code method}. */
    String explain(String method, int length) {
        return "The answer to " + method + " is " + length + " bytes of JSON, over the " + bytes + " bytes a message "
               + "to this client may carry (" + setting + "). Ask for less: a narrower request, or a program that "
               + "returns only what is needed.";
    }
}
