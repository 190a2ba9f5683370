package dev.conduit.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The guest-side SDK sources every engine of a language shares, so that {@code tools} behaves the same in each:
 * {@code tools-sdk.js} for the JavaScript engines (it evaluates to {@code {tools(invoke, manifest),
 * discovery(discover)}}; see the file for the contract).
 */
public final class GuestSdk {
    private static final String JAVASCRIPT = load("tools-sdk.js");

    private GuestSdk() {
    }

    /** The JavaScript SDK source: an expression. */
    public static String javascript() {
        return JAVASCRIPT;
    }

    private static String load(String name) {
        try (InputStream in = GuestSdk.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
