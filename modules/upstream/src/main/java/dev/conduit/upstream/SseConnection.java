package dev.conduit.upstream;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.policy.AddressPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import tools.jackson.databind.JsonNode;

/**
 * An upstream MCP server over the legacy HTTP+SSE transport (protocol 2024-11-05): a GET stream that first names the
 * endpoint to POST messages to ({@code event: endpoint}) and then carries every message of the server, responses
 * included. The endpoint must be on the same origin as the stream, which the policy checked and the connection is
 * pinned to.
 */
final class SseConnection implements McpConnection {
    private static final System.Logger LOGGER = System.getLogger(SseConnection.class.getName());

    private final String upstreamId;
    private final UpstreamConfig.Http spec;
    private final WebClient client;
    private final MessageRouter router;
    private final TokenSource tokens;
    private final Duration timeout;
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
    private final Thread stream;
    private volatile boolean closed;

    private SseConnection(String upstreamId, UpstreamConfig.Http spec, AddressPolicy.Allowed target, Duration timeout,
                          int maxMessageBytes, Listener listener, TokenSource tokens) {
        this.upstreamId = upstreamId;
        this.spec = spec;
        this.tokens = tokens;
        this.timeout = timeout;
        this.router = new MessageRouter(upstreamId, listener, this::answer);
        this.client = PinnedClients.create(target, timeout);
        this.stream = Thread.ofVirtual().name("upstream-" + upstreamId + "-sse").start(() -> listen(maxMessageBytes));
    }

    /** Checks the URL, opens the stream and waits for the endpoint event. */
    static SseConnection open(String upstreamId, UpstreamConfig.Http spec, AddressPolicy policy, Duration timeout,
                              int maxMessageBytes, Listener listener, TokenSource tokens) throws UpstreamException {
        SseConnection connection = switch (policy.check(spec.url())) {
            case AddressPolicy.Allowed allowed -> new SseConnection(upstreamId, spec, allowed, timeout, maxMessageBytes,
                                                                    listener, tokens);
            case AddressPolicy.Refused refused -> throw new UpstreamException("upstream '" + upstreamId
                    + "' is not reachable under the outbound policy: " + refused.reason());
        };
        try {
            connection.endpoint.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return connection;
        } catch (TimeoutException e) {
            connection.close();
            throw new UpstreamException("upstream '" + upstreamId + "' did not name its message endpoint within "
                                        + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            connection.close();
            throw new UpstreamException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.close();
            throw new UpstreamException("opening upstream '" + upstreamId + "' was interrupted");
        }
    }

    private void listen(int maxMessageBytes) {
        HttpClientRequest get = client.get().uri(spec.url()).readTimeout(Duration.ofDays(1));
        get.header(HeaderNames.ACCEPT, "text/event-stream");
        try {
            headers(get);
            try (HttpClientResponse response = get.request()) {
                if (response.status().code() != 200) {
                    throw new UpstreamException("upstream '" + upstreamId + "' answered the SSE stream with HTTP "
                                                + response.status().code());
                }
                SseReader.read(response.inputStream(), maxMessageBytes, this::onEvent, () -> closed);
            }
            router.failAll("upstream '" + upstreamId + "' closed its event stream");
        } catch (UpstreamException e) {
            endpoint.completeExceptionally(e);
            router.failAll(e.getMessage());
        } catch (IOException | RuntimeException e) {
            String reason = "upstream '" + upstreamId + "' event stream failed: " + HttpConnection.describe(e);
            endpoint.completeExceptionally(new UpstreamException(reason, e));
            router.failAll(reason);
        }
    }

    private void onEvent(String event, byte[] data) {
        switch (event) {
            case "endpoint" -> {
                URI target = spec.url().resolve(new String(data, StandardCharsets.UTF_8).trim());
                if (!Objects.equals(target.getScheme(), spec.url().getScheme())
                    || !AddressPolicy.sameHost(String.valueOf(target.getHost()), spec.url().getHost())
                    || target.getPort() != spec.url().getPort()) {
                    endpoint.completeExceptionally(new UpstreamException("upstream '" + upstreamId
                            + "' named a message endpoint on another origin, which Conduit does not follow"));
                } else {
                    endpoint.complete(target);
                }
            }
            case "message" -> router.dispatch(data, Optional.empty());
            default -> LOGGER.log(Level.DEBUG, () -> "upstream '" + upstreamId + "' sent event " + event);
        }
    }

    @Override
    public JsonRpcResponse request(String method, JsonNode params, Duration deadline, Optional<RequestContext> cause)
            throws UpstreamException {
        return router.request(method, params, deadline, cause, this::send);
    }

    @Override
    public void notify(String method, JsonNode params) {
        try {
            send(new JsonRpcNotification(method, params));
        } catch (UpstreamException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not send " + method + ": " + e.getMessage());
        }
    }

    private void answer(JsonRpcResponse answer) {
        Thread.ofVirtual().name("upstream-" + upstreamId + "-answer").start(() -> {
            try {
                send(answer);
            } catch (UpstreamException e) {
                LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not answer a request of the server");
            }
        });
    }

    private void send(JsonRpcMessage message) throws UpstreamException {
        URI target = endpoint.getNow(null);
        if (target == null || closed) {
            throw new UpstreamException("upstream '" + upstreamId + "' connection is closed");
        }
        HttpClientRequest post = client.post().uri(target).readTimeout(timeout);
        post.header(HeaderNames.CONTENT_TYPE, "application/json");
        headers(post);
        try (HttpClientResponse response = post.submit(JsonRpcCodec.encode(message))) {
            int status = response.status().code();
            if (status == 401 && tokens.invalidate()) {
                send(message);
                return;
            }
            if (status < 200 || status >= 300) {
                throw new UpstreamException("upstream '" + upstreamId + "' refused a message (HTTP " + status + ")");
            }
        } catch (RuntimeException e) {
            throw new UpstreamException("upstream '" + upstreamId + "' connection failed: "
                                        + HttpConnection.describe(e), e);
        }
    }

    private void headers(HttpClientRequest request) throws UpstreamException {
        spec.headers().forEach((name, value) -> request.header(HeaderNames.create(name), value));
        tokens.header().ifPresent(header -> request.header(HeaderNames.create(header.getKey()), header.getValue()));
    }

    @Override
    public boolean alive() {
        return !closed && router.closedReason().isEmpty();
    }

    @Override
    public void close() {
        closed = true;
        router.failAll("upstream '" + upstreamId + "' was shut down");
        stream.interrupt();
    }
}
