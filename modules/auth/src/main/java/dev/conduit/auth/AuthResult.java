package dev.conduit.auth;

import dev.conduit.core.Principal;

/** The outcome of checking a credential. */
public sealed interface AuthResult permits AuthResult.Authenticated, AuthResult.Rejected {

    /** The credential is good. */
    record Authenticated(Principal principal) implements AuthResult {
    }

    /**
     * The credential is missing or wrong.
     *
     * @param reason what to tell the client; says nothing about which keys exist
     */
    record Rejected(String reason) implements AuthResult {
    }
}
