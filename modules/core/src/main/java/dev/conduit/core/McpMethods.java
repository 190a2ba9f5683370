package dev.conduit.core;

/**
 * The MCP method names this server serves, sends or relays, written once. The original Conduit's {@code mcp.*}
 * methods are named where they are served ({@code LegacyMethods}); everything else refers to these.
 */
public final class McpMethods {
    public static final String INITIALIZE = "initialize";
    public static final String PING = "ping";
    /** Modern (2026-07-28): what the server speaks and offers, in place of initialize. */
    public static final String SERVER_DISCOVER = "server/discover";
    /** Modern: a long-lived stream of the change notifications the client opts in to. */
    public static final String SUBSCRIPTIONS_LISTEN = "subscriptions/listen";
    public static final String TOOLS_LIST = "tools/list";
    public static final String TOOLS_CALL = "tools/call";
    public static final String TASKS_GET = "tasks/get";
    public static final String TASKS_RESULT = "tasks/result";
    public static final String TASKS_LIST = "tasks/list";
    public static final String TASKS_CANCEL = "tasks/cancel";
    /** The 2026 tasks extension's answer to a task's questions. */
    public static final String TASKS_UPDATE = "tasks/update";
    public static final String RESOURCES_LIST = "resources/list";
    public static final String RESOURCES_TEMPLATES_LIST = "resources/templates/list";
    public static final String RESOURCES_READ = "resources/read";
    public static final String PROMPTS_LIST = "prompts/list";
    public static final String PROMPTS_GET = "prompts/get";
    public static final String LOGGING_SET_LEVEL = "logging/setLevel";
    public static final String COMPLETION_COMPLETE = "completion/complete";
    public static final String RESOURCES_SUBSCRIBE = "resources/subscribe";
    public static final String RESOURCES_UNSUBSCRIBE = "resources/unsubscribe";

    /** Requests a server sends its client (an upstream to this gateway, this gateway to its client). */
    public static final String SAMPLING_CREATE_MESSAGE = "sampling/createMessage";
    public static final String ELICITATION_CREATE = "elicitation/create";
    public static final String ROOTS_LIST = "roots/list";

    public static final String INITIALIZED = "notifications/initialized";
    public static final String CANCELLED = "notifications/cancelled";
    public static final String PROGRESS = "notifications/progress";
    public static final String MESSAGE = "notifications/message";
    public static final String TOOLS_LIST_CHANGED = "notifications/tools/list_changed";
    public static final String RESOURCES_LIST_CHANGED = "notifications/resources/list_changed";
    public static final String PROMPTS_LIST_CHANGED = "notifications/prompts/list_changed";
    public static final String RESOURCES_UPDATED = "notifications/resources/updated";
    public static final String SUBSCRIPTIONS_ACKNOWLEDGED = "notifications/subscriptions/acknowledged";

    private McpMethods() {
    }
}
