package dev.conduit.core.spi;

/**
 * A bridge with no tools and no budget: for an engine's own work outside any client's execution (its warm-up), and
 * what a pooled sandbox's functions serve between executions.
 */
public enum NoTools implements ToolBridge {
    /** The one bridge of its kind. */
    INSTANCE;

    @Override
    public String call(String tool, String argumentsJson) {
        return "{\"error\":{\"code\":-32003,\"message\":\"no tools here\"}}";
    }

    @Override
    public String manifestJson() {
        return "[]";
    }

    @Override
    public String discoverJson(String optionsJson) {
        return "[]";
    }

    @Override
    public boolean budgetExceeded() {
        return false;
    }
}
