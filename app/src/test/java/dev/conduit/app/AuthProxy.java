package dev.conduit.app;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OAuth2 token endpoint and a bearer-checking reverse proxy in front of a real MCP server, on loopback: what an
 * upstream behind an authorization server looks like. Tokens are issued by {@code /token} (client-credentials with a
 * fixed client, or refresh-token with rotation) and checked on {@code /mcp}, which forwards to the real server.
 */
final class AuthProxy implements AutoCloseable {
    static final String CLIENT_ID = "conduit";
    static final String CLIENT_SECRET = "client-secret-0123456789";
    static final String FIRST_REFRESH_TOKEN = "refresh-0";

    final AtomicInteger issued = new AtomicInteger();
    final AtomicInteger unauthorized = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger sessionsLost = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean loseSession = new java.util.concurrent.atomic.AtomicBoolean();
    private final Set<String> valid = ConcurrentHashMap.newKeySet();
    private final HttpServer server;
    private final URI upstream;
    private final HttpClient http = HttpClient.newHttpClient();
    private final long expiresIn;
    private volatile String refreshToken = FIRST_REFRESH_TOKEN;

    AuthProxy(URI upstream, long expiresIn) throws IOException {
        this.upstream = upstream;
        this.expiresIn = expiresIn;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::token);
        server.createContext("/mcp", this::mcp);
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", url("/mcp"));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers the next request that carries a session id with 404, as a server that restarted would. */
    void loseSessionOnce() {
        loseSession.set(true);
    }

    /** Makes every issued token invalid, as a revocation or a key rotation at the server would. */
    void revokeAll() {
        valid.clear();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = Arrays.stream(new String(exchange.getRequestBody().readAllBytes(),
                                                            StandardCharsets.UTF_8).split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> decode(pair[0]), pair -> pair.length > 1 ? decode(pair[1]) : ""));
        boolean ok = switch (form.getOrDefault("grant_type", "")) {
            case "client_credentials" -> CLIENT_ID.equals(form.get("client_id"))
                                         && CLIENT_SECRET.equals(form.get("client_secret"));
            case "refresh_token" -> refreshToken.equals(form.get("refresh_token"));
            default -> false;
        };
        if (!ok) {
            refused.incrementAndGet();
            send(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"echo "
                                + form.get("client_secret") + "\"}");
            return;
        }
        int n = issued.incrementAndGet();
        String token = "access-" + n;
        valid.add(token);
        refreshToken = "refresh-" + n;
        send(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                            + expiresIn + ",\"refresh_token\":\"" + refreshToken + "\"}");
    }

    private void mcp(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")
            || !valid.contains(authorization.substring(7))) {
            unauthorized.incrementAndGet();
            send(exchange, 401, "{\"error\":\"invalid_token\"}");
            return;
        }
        if (exchange.getRequestMethod().equals("GET")) {
            send(exchange, 405, "");
            return;
        }
        if (exchange.getRequestHeaders().containsKey("Mcp-Session-Id") && loseSession.compareAndSet(true, false)) {
            sessionsLost.incrementAndGet();
            send(exchange, 404, "{\"jsonrpc\":\"2.0\",\"id\":null,"
                                + "\"error\":{\"code\":-32001,\"message\":\"Session not found\"}}");
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder forward = HttpRequest.newBuilder(upstream)
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                                                      : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : new String[] {"Content-Type", "Accept", "Mcp-Session-Id", "MCP-Protocol-Version"}) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                forward.header(header, value);
            }
        }
        try {
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type")
                    .ifPresent(value -> exchange.getResponseHeaders().add("Content-Type", value));
            response.headers().firstValue("Mcp-Session-Id")
                    .ifPresent(value -> exchange.getResponseHeaders().add("Mcp-Session-Id", value));
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(exchange, 502, "");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
