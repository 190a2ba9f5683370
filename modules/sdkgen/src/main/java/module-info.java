/**
 * The {@code tools.*} SDK inside sandboxes: its one JavaScript source, shared by every JavaScript engine
 * ({@link dev.conduit.sdkgen.GuestSdk}), the manifest it is built from, the identifiers each language can use, and
 * TypeScript declarations of the SDK for models to read. No upstream text is ever compiled as code: the SDK is a
 * fixed program that builds its bindings from a manifest passed as JSON data, so a hostile tool name or description
 * cannot break out.
 */
module dev.conduit.sdkgen {
    requires transitive dev.conduit.core;

    exports dev.conduit.sdkgen;
}
