package dev.conduit.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.log.Redactor;
import dev.conduit.policy.AddressPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The {@code Authorization} header of an HTTP upstream. Static credentials give a fixed header; OAuth2 fetches an
 * access token (client-credentials or refresh-token grant), caches it until shortly before it expires, lets one
 * caller fetch while the others wait (single flight), keeps a rotated refresh token, and starts over when the
 * upstream answers 401. The token URL is checked by the outbound policy like any upstream URL. Thread-safe.
 */
final class TokenSource {
    private static final Duration MAX_SKEW = Duration.ofSeconds(30);
    private static final int MAX_TOKEN_RESPONSE = 64 * 1024;

    private final String upstreamId;
    private final Optional<Credentials> credentials;
    private final AddressPolicy policy;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private String accessToken;
    private long expiresAtNanos;
    private String refreshToken;

    TokenSource(String upstreamId, Optional<Credentials> credentials, AddressPolicy policy, Duration timeout) {
        this.upstreamId = upstreamId;
        this.credentials = credentials;
        this.policy = policy;
        this.timeout = timeout;
        this.refreshToken = credentials.filter(Credentials.OAuth2.class::isInstance)
                .map(Credentials.OAuth2.class::cast).flatMap(Credentials.OAuth2::refreshToken).orElse(null);
    }

    /** The header to send, if the upstream has credentials. */
    Optional<Map.Entry<String, String>> header() throws UpstreamException {
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (credentials.get()) {
            case Credentials.Bearer bearer -> Map.entry("Authorization", "Bearer " + bearer.token());
            case Credentials.ApiKey key -> Map.entry(key.header(), key.key());
            case Credentials.OAuth2 oauth -> Map.entry("Authorization", "Bearer " + accessToken(oauth));
        });
    }

    /** Drops a cached token after a 401; true when asking again may help (only OAuth2 can get a new token). */
    boolean invalidate() {
        if (credentials.orElse(null) instanceof Credentials.OAuth2) {
            lock.lock();
            try {
                accessToken = null;
            } finally {
                lock.unlock();
            }
            return true;
        }
        return false;
    }

    private String accessToken(Credentials.OAuth2 oauth) throws UpstreamException {
        lock.lock();
        try {
            if (accessToken != null && System.nanoTime() < expiresAtNanos) {
                return accessToken;
            }
            fetch(oauth);
            return accessToken;
        } finally {
            lock.unlock();
        }
    }

    private void fetch(Credentials.OAuth2 oauth) throws UpstreamException {
        AddressPolicy.Allowed target = switch (policy.check(oauth.tokenUrl())) {
            case AddressPolicy.Allowed allowed -> allowed;
            case AddressPolicy.Refused refused -> throw new UpstreamException("upstream '" + upstreamId
                    + "': the token URL is not reachable under the outbound policy: " + refused.reason());
        };
        Map<String, String> form = new LinkedHashMap<>();
        if (oauth.refreshGrant()) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken);
        } else {
            form.put("grant_type", "client_credentials");
        }
        form.put("client_id", oauth.clientId());
        oauth.clientSecret().ifPresent(secret -> form.put("client_secret", secret));
        if (!oauth.scopes().isEmpty()) {
            form.put("scope", String.join(" ", oauth.scopes()));
        }
        WebClient client = PinnedClients.create(target, timeout);
        HttpClientRequest post = client.post().uri(oauth.tokenUrl());
        post.header(HeaderNames.ACCEPT, "application/json");
        byte[] body;
        if (oauth.json()) {
            post.header(HeaderNames.CONTENT_TYPE, "application/json");
            body = Json.mapper().writeValueAsBytes(form);
        } else {
            post.header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
            body = form.entrySet().stream()
                    .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                    .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
        }
        JsonNode answer;
        int status;
        try (HttpClientResponse response = post.submit(body); InputStream in = response.inputStream()) {
            status = response.status().code();
            answer = Json.mapper().readTree(in.readNBytes(MAX_TOKEN_RESPONSE));
        } catch (IOException | JacksonException e) {
            throw new UpstreamException("upstream '" + upstreamId + "': the token endpoint did not answer with JSON");
        } catch (RuntimeException e) {
            throw new UpstreamException("upstream '" + upstreamId + "': the token endpoint could not be reached");
        }
        JsonNode token = answer == null ? null : answer.get("access_token");
        if (status != 200 || token == null || !token.isString() || token.stringValue().isEmpty()) {
            // Only the standard error code: a description could echo what was sent.
            String error = answer == null ? "" : answer.path("error").asString("");
            throw new UpstreamException("upstream '" + upstreamId + "': the token endpoint refused the request (HTTP "
                                        + status + (error.isEmpty() ? "" : ", " + error) + ")");
        }
        long seconds = answer.path("expires_in").canConvertToLong() ? answer.path("expires_in").asLong() : 3600;
        Duration lifetime = Duration.ofSeconds(Math.max(0, seconds));
        Duration skew = lifetime.dividedBy(10).compareTo(MAX_SKEW) < 0 ? lifetime.dividedBy(10) : MAX_SKEW;
        accessToken = token.stringValue();
        Redactor.register(accessToken);
        expiresAtNanos = System.nanoTime() + lifetime.minus(skew).toNanos();
        JsonNode rotated = answer.path("refresh_token");
        if (rotated.isString() && !rotated.stringValue().isEmpty()) {
            refreshToken = rotated.stringValue();
            Redactor.register(refreshToken);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
