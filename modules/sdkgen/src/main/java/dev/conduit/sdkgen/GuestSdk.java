package dev.conduit.sdkgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The guest-side SDK every JavaScript engine shares (GraalJS, Rhino, Deno), so that {@code tools}, {@code ToolError}
 * and a program's result behave the same in each: {@code tools-sdk.js} evaluates to {@code {tools(invoke, manifest),
 * discovery(discover), ToolError, argumentsOk, badArguments, failure, resultJson}} (see the file for the contract).
 * Each engine adds only its glue: how a call reaches the gateway, and how the globals are put in place.
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
