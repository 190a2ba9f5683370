/**
 * Who may call Conduit: API keys read from configuration (secrets taken from the environment, never from the file),
 * checked in constant time, turned into a {@link dev.conduit.core.Principal} that carries the key id and never the
 * secret. Transports call {@link dev.conduit.auth.Authenticator}; nothing else sees a credential.
 */
module dev.conduit.auth {
    requires transitive dev.conduit.core;

    exports dev.conduit.auth;
}
