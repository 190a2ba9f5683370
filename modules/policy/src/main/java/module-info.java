/**
 * Policy decisions, kept apart from the code that enforces them: which tools a principal may see and call
 * ({@link dev.conduit.policy.ToolAllowList}). Every path to a tool asks the same object, so there is one answer.
 */
module dev.conduit.policy {
    requires transitive dev.conduit.core;

    exports dev.conduit.policy;
}
