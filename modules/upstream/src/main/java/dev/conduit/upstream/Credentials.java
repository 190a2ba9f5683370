package dev.conduit.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.EnvReferences;
import dev.conduit.core.config.InvalidConfigException;

/**
 * How Conduit authenticates to an HTTP upstream ({@code upstreams[].auth}). Secrets are written as
 * {@code ${VAR}} references and live only in the gateway: never in a sandbox, a log line, an error or a metric.
 * <pre>
 * auth:
 *   type: bearer                 # bearer | api-key | oauth2
 *   token: ${UPSTREAM_TOKEN}     # bearer
 *   header: X-API-Key            # api-key (default X-API-Key)
 *   key: ${UPSTREAM_KEY}         # api-key
 *   token-url: https://auth.example.com/oauth/token   # oauth2, checked by the outbound policy
 *   grant: client-credentials    # oauth2: client-credentials | refresh-token
 *   client-id: conduit
 *   client-secret: ${CLIENT_SECRET}
 *   refresh-token: ${REFRESH_TOKEN}   # refresh-token grant; a rotated one replaces it in memory
 *   scopes: [tools.read]
 *   request-format: form         # form | json
 * </pre>
 */
public sealed interface Credentials permits Credentials.Bearer, Credentials.ApiKey, Credentials.OAuth2 {

    /** {@code Authorization: Bearer <token>}. */
    record Bearer(String token) implements Credentials {
        @Override
        public String toString() {
            return "Bearer[***]";
        }
    }

    /** {@code <header>: <key>}. */
    record ApiKey(String header, String key) implements Credentials {
        @Override
        public String toString() {
            return "ApiKey[header=" + header + "]";
        }
    }

    /**
     * An OAuth2 access token from {@code tokenUrl}, cached until shortly before it expires.
     *
     * @param refreshToken the initial refresh token (refresh-token grant)
     * @param json         whether the token request is JSON rather than form-encoded
     */
    record OAuth2(URI tokenUrl, boolean refreshGrant, String clientId, Optional<String> clientSecret,
                  Optional<String> refreshToken, List<String> scopes, boolean json) implements Credentials {
        public OAuth2 {
            Objects.requireNonNull(tokenUrl);
            scopes = List.copyOf(scopes);
        }

        @Override
        public String toString() {
            return "OAuth2[tokenUrl=" + tokenUrl + ", grant=" + (refreshGrant ? "refresh-token" : "client-credentials")
                   + ", clientId=" + clientId + ", scopes=" + scopes + "]";
        }
    }

    /** Reads an {@code auth} node; secrets must be environment references. */
    static Credentials from(ConfigReader auth, Map<String, String> environment) {
        String type = auth.requiredString("type");
        Credentials credentials = switch (type) {
            case "bearer" -> new Bearer(secret(auth, "token", environment));
            case "api-key" -> new ApiKey(auth.string("header", "X-API-Key"), secret(auth, "key", environment));
            case "oauth2" -> oauth2(auth, environment);
            default -> throw new InvalidConfigException(auth.key("type"), "must be bearer, api-key or oauth2, not '"
                                                                          + type + "'");
        };
        auth.warnUnknown();
        return credentials;
    }

    private static OAuth2 oauth2(ConfigReader auth, Map<String, String> environment) {
        String grant = auth.string("grant", "client-credentials");
        boolean refresh = switch (grant) {
            case "client-credentials" -> false;
            case "refresh-token" -> true;
            default -> throw new InvalidConfigException(auth.key("grant"), "must be client-credentials or "
                                                                           + "refresh-token, not '" + grant + "'");
        };
        String format = auth.string("request-format", "form");
        if (!format.equals("form") && !format.equals("json")) {
            throw new InvalidConfigException(auth.key("request-format"), "must be form or json, not '" + format + "'");
        }
        URI tokenUrl;
        try {
            tokenUrl = new URI(auth.requiredString("token-url"));
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(auth.key("token-url"), "is not a valid URL");
        }
        Optional<String> clientSecret = auth.has("client-secret")
                ? Optional.of(secret(auth, "client-secret", environment)) : Optional.empty();
        Optional<String> refreshToken = auth.has("refresh-token")
                ? Optional.of(secret(auth, "refresh-token", environment)) : Optional.empty();
        if (refresh && refreshToken.isEmpty()) {
            throw new InvalidConfigException(auth.key("refresh-token"), "is required for the refresh-token grant");
        }
        if (!refresh && clientSecret.isEmpty()) {
            throw new InvalidConfigException(auth.key("client-secret"), "is required for the client-credentials "
                                                                        + "grant");
        }
        return new OAuth2(tokenUrl, refresh, auth.requiredString("client-id"), clientSecret, refreshToken,
                          auth.strings("scopes", List.of()), format.equals("json"));
    }

    private static String secret(ConfigReader auth, String name, Map<String, String> environment) {
        String raw = auth.requiredString(name).trim();
        if (!Pattern.matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*}", raw)) {
            throw new InvalidConfigException(auth.key(name), "must reference an environment variable, like "
                                                             + "${UPSTREAM_TOKEN}; secrets are never written in the "
                                                             + "configuration file");
        }
        return EnvReferences.resolve(auth.key(name), raw, environment);
    }
}
