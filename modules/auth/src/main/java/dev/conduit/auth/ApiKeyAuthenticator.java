package dev.conduit.auth;

import java.util.List;
import java.util.Locale;

import dev.conduit.core.Principal;

/**
 * Looks a presented secret up among the configured keys. Every key is compared, whatever matched first, and the
 * comparison is between SHA-256 digests of equal length, so the time taken says nothing about the secrets.
 */
final class ApiKeyAuthenticator implements Authenticator {
    private static final String BEARER = "bearer ";
    private static final Principal ANONYMOUS = Principal.anonymous();

    private final boolean enabled;
    private final List<ApiKey> keys;
    /** Each key's answer, made once (index for index): a principal is immutable, and making one checks its id. */
    private final List<AuthResult.Authenticated> answers;

    ApiKeyAuthenticator(AuthConfig config) {
        this.enabled = config.enabled();
        this.keys = config.apiKeys();
        this.answers = keys.stream().map(key -> new AuthResult.Authenticated(key.principal())).toList();
    }

    @Override
    public AuthResult authenticateHeader(String authorization) {
        if (!enabled) {
            return new AuthResult.Authenticated(ANONYMOUS);
        }
        if (authorization.isBlank()) {
            return withoutCredentials();
        }
        String value = authorization.trim();
        if (!value.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return new AuthResult.Rejected("Unsupported authorization scheme: send Authorization: Bearer <API key>");
        }
        return authenticateToken(value.substring(BEARER.length()).trim());
    }

    @Override
    public AuthResult authenticateToken(String token) {
        if (!enabled) {
            return new AuthResult.Authenticated(ANONYMOUS);
        }
        if (token.isEmpty()) {
            return new AuthResult.Rejected("Authentication required: an API key is missing");
        }
        byte[] presented = ApiKey.digest(token);
        int found = -1;
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).matches(presented) && found < 0) {
                found = i;
            }
        }
        return found < 0 ? new AuthResult.Rejected("Invalid API key") : answers.get(found);
    }

    @Override
    public AuthResult withoutCredentials() {
        return enabled ? new AuthResult.Rejected("Authentication required: send Authorization: Bearer <API key>")
                : new AuthResult.Authenticated(ANONYMOUS);
    }

    @Override
    public boolean enabled() {
        return enabled;
    }
}
