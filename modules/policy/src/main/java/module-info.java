/**
 * Policy decisions, kept apart from the code that enforces them: which tools a principal may see and call
 * ({@link dev.conduit.policy.ToolAllowList}) and which addresses Conduit may connect to
 * ({@link dev.conduit.policy.AddressPolicy}). Every path asks the same objects, so there is one answer.
 */
module dev.conduit.policy {
    requires transitive dev.conduit.core;

    exports dev.conduit.policy;
}
