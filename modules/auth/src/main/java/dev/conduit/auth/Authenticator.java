package dev.conduit.auth;

import java.util.Optional;

/**
 * Checks the credential of a request. Thread-safe; never logs or returns the secret.
 */
public interface Authenticator {

    /**
     * Checks an HTTP {@code Authorization} header value ({@code Bearer <secret>}).
     *
     * @param authorization the header value, empty when the request had none
     */
    AuthResult authenticateHeader(Optional<String> authorization);

    /** Checks a bare bearer token, as the line transports carry it in {@code auth.bearerToken}. */
    AuthResult authenticateToken(Optional<String> token);

    /** Whether credentials are checked at all. */
    boolean enabled();

    /** An authenticator for {@code config}. */
    static Authenticator create(AuthConfig config) {
        return new ApiKeyAuthenticator(config);
    }
}
