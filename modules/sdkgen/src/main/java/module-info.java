/**
 * The {@code tools.*} SDK inside sandboxes. No upstream text is ever compiled as code: each engine's SDK is a fixed
 * program that builds its bindings from a manifest passed as JSON data, so a hostile tool name or description cannot
 * break out. This module makes that manifest, the identifiers each language can use, and TypeScript declarations of
 * the SDK for models to read.
 */
module dev.conduit.sdkgen {
    requires transitive dev.conduit.core;

    exports dev.conduit.sdkgen;
}
