package dev.conduit.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.policy.ToolAllowList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code subscriptions/listen} (2026-07-28): a request whose response stream stays open and carries the change
 * notifications the client opted in to ({@code toolsListChanged}, {@code promptsListChanged},
 * {@code resourcesListChanged}, {@code resourceSubscriptions}), each tagged with the listen request's id. The stream
 * starts with {@code notifications/subscriptions/acknowledged} naming what is honoured (a resource the key may not
 * see, or a list kind it has no capability for, is left out), and lasts until the client closes it (on HTTP the
 * stream's end, on stdio {@code notifications/cancelled}) or the server stops. At most
 * {@value #MAX_LISTENERS} streams are open at once. Thread-safe.
 */
final class Subscriptions {
    static final int MAX_LISTENERS = 1024;
    private static final Map<String, String> LIST_KINDS = Map.of(
            "toolsListChanged", McpMethods.TOOLS_LIST_CHANGED,
            "promptsListChanged", McpMethods.PROMPTS_LIST_CHANGED,
            "resourcesListChanged", McpMethods.RESOURCES_LIST_CHANGED);

    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final PassThroughMethods passThrough;
    private final LifecycleMethods lifecycle;

    /** One open listen stream: what it wants, and where it goes. */
    private record Listener(JsonNode id, Set<String> methods, Set<String> uris, RequestContext context,
                            CountDownLatch ended) {
    }

    Subscriptions(PassThroughMethods passThrough, LifecycleMethods lifecycle) {
        this.passThrough = passThrough;
        this.lifecycle = lifecycle;
    }

    void register(Map<String, MethodHandler> handlers) {
        handlers.put(McpMethods.SUBSCRIPTIONS_LISTEN, this::listen);
    }

    private JsonNode listen(JsonRpcRequest request, RequestContext context) {
        if (!context.session().protocolVersion().modern()) {
            throw new RpcException(Outcome.METHOD_NOT_FOUND.error("Method not found: subscriptions/listen is part of "
                    + "protocol version 2026-07-28; this session uses its GET stream and resources/subscribe"));
        }
        if (listeners.size() >= MAX_LISTENERS) {
            throw new RpcException(Outcome.BUSY.error("Too many subscriptions/listen streams are open ("
                                                      + MAX_LISTENERS + "); close one and retry"));
        }
        JsonNode wanted = request.paramsObject().path("notifications");
        ObjectNode capabilities = lifecycle.capabilities(ToolAllowList.ofKey(context.principal().allowedTools()));
        ObjectNode honoured = Json.object();
        Set<String> methods = ConcurrentHashMap.newKeySet();
        LIST_KINDS.forEach((flag, method) -> {
            String capability = flag.replace("ListChanged", "");
            if (wanted.path(flag).asBoolean(false) && capabilities.has(capability)) {
                honoured.put(flag, true);
                methods.add(method);
            }
        });
        String subscriber = "listen:" + PassThroughMethods.subscriber(context.session()) + ":" + request.id();
        List<String> uris = new ArrayList<>();
        for (JsonNode uri : wanted.path("resourceSubscriptions")) {
            try {
                passThrough.subscribe(subscriber, uri.asString(""), subscribeParams(uri.asString("")), context);
                uris.add(uri.asString(""));
            } catch (RpcException e) {
                // Not visible to this key, or its owner refused: left out of what is honoured.
            }
        }
        if (!uris.isEmpty()) {
            ArrayNode list = honoured.putArray("resourceSubscriptions");
            uris.forEach(list::add);
        }
        CountDownLatch ended = new CountDownLatch(1);
        Listener listener = new Listener(request.id().toJson(), methods, Set.copyOf(uris), context, ended);
        listeners.add(listener);
        try (var _ = context.cancellation().onCancel(ended::countDown)) {
            ObjectNode ack = Json.object();
            ack.set("notifications", honoured);
            send(listener, new JsonRpcNotification(McpMethods.SUBSCRIPTIONS_ACKNOWLEDGED, ack));
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            listeners.remove(listener);
            for (String uri : uris) {
                try {
                    passThrough.unsubscribe(subscriber, uri, subscribeParams(uri), context);
                } catch (RpcException e) {
                    // The owner is gone or refuses; nothing more to undo here.
                }
            }
        }
        return Json.object();
    }

    private static ObjectNode subscribeParams(String uri) {
        ObjectNode params = Json.object();
        params.put("uri", uri);
        return params;
    }

    /** Sends a change notification to every open listen stream that opted in to it. */
    void deliver(JsonRpcNotification notification) {
        String uri = notification.params().path("uri").asString("");
        for (Listener listener : listeners) {
            boolean wanted = notification.method().equals(McpMethods.RESOURCES_UPDATED)
                    ? listener.uris().contains(uri) : listener.methods().contains(notification.method());
            if (wanted) {
                send(listener, notification);
            }
        }
    }

    /** Ends every open listen stream: each request answers with an empty result and its stream closes. */
    void endAll() {
        listeners.forEach(listener -> listener.ended().countDown());
    }

    /** Open listen streams, for tests and metrics. */
    int open() {
        return listeners.size();
    }

    private static void send(Listener listener, JsonRpcNotification notification) {
        ObjectNode params = notification.params() instanceof ObjectNode object ? object.deepCopy() : Json.object();
        ObjectNode meta = params.get("_meta") instanceof ObjectNode existing ? existing : params.putObject("_meta");
        meta.set(McpMeta.SUBSCRIPTION_ID, listener.id());
        listener.context().channel().send(new JsonRpcNotification(notification.method(), params));
    }
}
