package dev.conduit.upstream;

import tools.jackson.databind.JsonNode;

/**
 * A connection to an upstream for tests: what it answers is the test's (its one method, {@code request}); it takes
 * notifications without a word, lives for ever and closes on nothing.
 */
@FunctionalInterface
interface FakeWire extends McpConnection {
    @Override
    default void notify(String method, JsonNode params) {
    }

    @Override
    default boolean alive() {
        return true;
    }

    @Override
    default void close() {
    }
}
