package dev.conduit.auth;


/**
 * Checks the credential of a request. Thread-safe; never logs or returns the secret.
 */
public interface Authenticator {

    /** Checks an HTTP {@code Authorization} header value ({@code Bearer <secret>}) that a request sent. */
    AuthResult authenticateHeader(String authorization);

    /** Checks a bare bearer token, as the line transports carry it in {@code auth.bearerToken}. */
    AuthResult authenticateToken(String token);

    /** A request that sent no credential: the anonymous caller when authentication is off, else refused. */
    AuthResult withoutCredentials();

    /** Whether credentials are checked at all. */
    boolean enabled();

    /** An authenticator for {@code config}. */
    static Authenticator create(AuthConfig config) {
        return new ApiKeyAuthenticator(config);
    }
}
