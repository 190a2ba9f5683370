package dev.conduit.gateway;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.tool.UpstreamFeatures;
import dev.conduit.core.tool.UpstreamFeatures.Kind;
import dev.conduit.core.tool.UpstreamFeatures.Owned;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The upstreams' resources, resource templates and prompts, passed through: the lists merged in configuration order
 * and paged like {@code tools/list}, {@code resources/read}, {@code prompts/get} and {@code completion/complete}
 * routed to the owner. What a key
 * sees follows its allow-list: a prompt like a tool ({@code <upstream>.<prompt>}); an upstream's resources and
 * templates only with all of that upstream ({@code <upstream>.*} or {@code *}), since a resource has no name the
 * patterns could match. A URI two upstreams both offer is read from the first in configuration order.
 *
 * <p>Subscriptions are the gateway's: a session's {@code resources/subscribe} is passed to the owner (which may
 * already have it from another session), updates go to the sessions subscribed to that URI, and the owner is told
 * to unsubscribe when the last of them does. At most {@value #MAX_SUBSCRIPTIONS} subscriptions are held at once.
 */
final class PassThroughMethods {
    private static final Pattern EXPRESSION = Pattern.compile("\\{([+#./;?&]?)[^}]*}");

    static final int MAX_SUBSCRIPTIONS = 10_000;

    private final UpstreamFeatures features;
    private final int pageSize;
    /** Who holds each subscription: subscribers (with the key they subscribed with) by owner and URI. */
    private final Map<Target, Map<String, Principal>> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptionCount = new AtomicInteger();

    /** A subscription as its owner holds it. */
    private record Target(String owner, String uri) {
    }

    PassThroughMethods(UpstreamFeatures features, int pageSize) {
        this.features = features;
        this.pageSize = pageSize;
    }

    void register(Map<String, MethodHandler> handlers) {
        handlers.put(McpMethods.RESOURCES_LIST, (request, context) -> page(request, context, Kind.RESOURCES));
        handlers.put(McpMethods.RESOURCES_TEMPLATES_LIST,
                     (request, context) -> page(request, context, Kind.RESOURCE_TEMPLATES));
        handlers.put(McpMethods.PROMPTS_LIST, (request, context) -> page(request, context, Kind.PROMPTS));
        handlers.put(McpMethods.RESOURCES_READ, this::read);
        handlers.put(McpMethods.PROMPTS_GET, this::get);
        handlers.put(McpMethods.COMPLETION_COMPLETE, this::complete);
        handlers.put(McpMethods.RESOURCES_SUBSCRIBE, this::subscribe);
        handlers.put(McpMethods.RESOURCES_UNSUBSCRIBE, this::unsubscribe);
    }

    /** The sessions subscribed to {@code uri}, for its updates. */
    Predicate<McpSession> subscribers(String uri) {
        Set<String> holders = subscriptions.entrySet().stream()
                .filter(held -> held.getKey().uri().equals(uri))
                .flatMap(held -> held.getValue().keySet().stream())
                .collect(Collectors.toSet());
        return session -> holders.contains(subscriber(session));
    }

    private JsonNode subscribe(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        return subscribe(subscriber(context.session()), Params.requiredString(params, "uri"), params, context);
    }

    private JsonNode unsubscribe(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        return unsubscribe(subscriber(context.session()), Params.requiredString(params, "uri"), params, context);
    }

    /** A session as a subscriber: its id, made unique across listeners (two local listeners count alike). */
    static String subscriber(McpSession session) {
        return session.transport() + "/" + session.id();
    }

    /**
     * Subscribes {@code subscriber} (a session, or a modern {@code subscriptions/listen} stream) to {@code uri} at its
     * owner; -32002 when the caller may not see the URI.
     */
    JsonNode subscribe(String subscriber, String uri, ObjectNode params, RequestContext context) {
        Target target = new Target(owner(uri, context), uri);
        if (subscriptionCount.get() >= MAX_SUBSCRIPTIONS) {
            throw new RpcException(Outcome.BUSY.error("Too many resource subscriptions are held by this gateway ("
                                                      + MAX_SUBSCRIPTIONS + "); unsubscribe from some first"));
        }
        JsonNode result = features.forward(target.owner(), McpMethods.RESOURCES_SUBSCRIBE, params, context);
        if (subscriptions.computeIfAbsent(target, key -> new ConcurrentHashMap<>())
                    .put(subscriber, context.principal()) == null) {
            subscriptionCount.incrementAndGet();
        }
        return result;
    }

    /** Ends {@code subscriber}'s subscription to {@code uri}; the owner is told when nobody else holds one. */
    JsonNode unsubscribe(String subscriber, String uri, ObjectNode params, RequestContext context) {
        Target target = new Target(owner(uri, context), uri);
        // Other subscribers still want the updates: the owner keeps sending them.
        return release(target, subscriber) ? features.forward(target.owner(), McpMethods.RESOURCES_UNSUBSCRIBE, params,
                                                              context) : Json.object();
    }

    /**
     * Ends every subscription {@code session} still holds, as if it had unsubscribed from each: the session ended
     * (DELETE, its idle timeout, its connection closed) without doing so. Owners left without a subscriber are told
     * off the caller's thread, since an upstream may take its timeout to answer and a transport ends sessions on its
     * own threads.
     */
    void release(McpSession session) {
        String subscriber = subscriber(session);
        subscriptions.forEach((target, holders) -> {
            Principal holder = holders.get(subscriber);
            if (holder != null && release(target, subscriber)) {
                ObjectNode params = Json.object();
                params.put("uri", target.uri());
                RequestContext ended = new RequestContext(holder, "session-end-" + session.id(), session,
                                                          ClientChannel.discarding());
                Thread.ofVirtual().name("unsubscribe-" + target.owner()).start(() -> {
                    try {
                        features.forward(target.owner(), McpMethods.RESOURCES_UNSUBSCRIBE, params, ended);
                    } catch (RpcException e) {
                        // The owner is gone or refuses; it was logged, and nothing more is held here.
                    }
                });
            }
        });
    }

    /** Resource subscriptions held now, for the metrics. */
    int held() {
        return subscriptionCount.get();
    }

    /** Removes {@code subscriber} from {@code target}; whether it was the last one holding it. */
    private boolean release(Target target, String subscriber) {
        boolean[] last = new boolean[1];
        subscriptions.computeIfPresent(target, (key, holders) -> {
            if (holders.remove(subscriber) != null) {
                subscriptionCount.decrementAndGet();
                last[0] = holders.isEmpty();
            }
            return holders.isEmpty() ? null : holders;
        });
        return last[0];
    }

    /** The items of {@code kind} the caller may see, in configuration order. */
    private List<Owned> visible(Kind kind, RequestContext context) {
        ToolReach reach = ToolReach.client(context.principal());
        return features.list(kind).stream()
                .filter(owned -> reach.allowed().allows(owned.upstream(), kind == Kind.PROMPTS ? owned.localName()
                        // "*" is no name a tool or prompt can have: only a pattern granting the whole upstream allows it.
                        : "*"))
                .toList();
    }

    private JsonNode page(JsonRpcRequest request, RequestContext context, Kind kind) {
        int offset = Params.optionalString(request.paramsObject(), "cursor").map(ToolMethods::decodeCursor).orElse(0);
        List<Owned> items = visible(kind, context);
        if (offset > items.size()) {
            throw new RpcException(JsonRpcError.invalidParams("Invalid params: unknown cursor; start again without one"));
        }
        int end = Math.min(items.size(), offset + pageSize);
        ObjectNode result = Json.object();
        ArrayNode page = result.putArray(kind.field());
        items.subList(offset, end).forEach(owned -> page.add(owned.item()));
        if (end < items.size()) {
            result.put("nextCursor", ToolMethods.encodeCursor(end));
        }
        return result;
    }

    private JsonNode read(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        String uri = Params.requiredString(params, "uri");
        return features.forward(owner(uri, context), McpMethods.RESOURCES_READ, params, context);
    }

    /**
     * The upstream that serves {@code uri} for this caller: the first in configuration order that lists it, else the
     * first with a template it matches.
     */
    private String owner(String uri, RequestContext context) {
        Optional<String> owner = visible(Kind.RESOURCES, context).stream()
                .filter(owned -> owned.item().path("uri").asString("").equals(uri))
                .map(Owned::upstream).findFirst()
                .or(() -> visible(Kind.RESOURCE_TEMPLATES, context).stream()
                        .filter(owned -> matches(owned.item().path("uriTemplate").asString(""), uri))
                        .map(Owned::upstream).findFirst());
        if (owner.isEmpty()) {
            ObjectNode data = Json.object();
            data.put("uri", uri);
            throw new RpcException(Outcome.RESOURCE_NOT_FOUND.error("Resource not found: " + uri
                                                                    + ". Call resources/list for the resources.")
                                           .withData(data));
        }
        return owner.get();
    }

    private JsonNode get(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        String name = Params.requiredString(params, "name");
        Owned prompt = visible(Kind.PROMPTS, context).stream()
                .filter(owned -> owned.item().path("name").asString("").equals(name)).findFirst()
                .orElseThrow(() -> new RpcException(JsonRpcError.invalidParams(
                        "Unknown prompt: " + name + ". Call prompts/list for the prompts.")));
        ObjectNode forwarded = params.deepCopy();
        forwarded.put("name", prompt.localName());
        return features.forward(prompt.upstream(), McpMethods.PROMPTS_GET, forwarded, context);
    }

    /**
     * Completion of a prompt's argument or a resource template's variable, asked of the prompt's or template's owner:
     * a prompt by its exposed name (sent on under the upstream's own), a template by its URI template as listed.
     */
    private JsonNode complete(JsonRpcRequest request, RequestContext context) {
        ObjectNode params = request.paramsObject();
        if (!(params.get("ref") instanceof ObjectNode ref)) {
            throw Params.invalid("\"ref\" must be an object: {type: \"ref/prompt\", name} or {type: \"ref/resource\", uri}");
        }
        ObjectNode forwarded = params.deepCopy();
        String type = ref.path("type").asString("");
        return switch (type) {
            case "ref/prompt" -> {
                String name = ref.path("name").asString("");
                Owned prompt = visible(Kind.PROMPTS, context).stream()
                        .filter(owned -> owned.item().path("name").asString("").equals(name)).findFirst()
                        .orElseThrow(() -> new RpcException(JsonRpcError.invalidParams(
                                "Unknown prompt: " + name + ". Call prompts/list for the prompts.")));
                ((ObjectNode) forwarded.get("ref")).put("name", prompt.localName());
                yield features.forward(prompt.upstream(), McpMethods.COMPLETION_COMPLETE, forwarded, context);
            }
            case "ref/resource" -> {
                String uri = ref.path("uri").asString("");
                String owner = visible(Kind.RESOURCE_TEMPLATES, context).stream()
                        .filter(owned -> owned.item().path("uriTemplate").asString("").equals(uri))
                        .map(Owned::upstream).findFirst()
                        .orElseThrow(() -> new RpcException(JsonRpcError.invalidParams(
                                "Unknown resource template: " + uri
                                + ". Call resources/templates/list for the templates.")));
                yield features.forward(owner, McpMethods.COMPLETION_COMPLETE, forwarded, context);
            }
            default -> throw Params.invalid("\"ref.type\" must be \"ref/prompt\" or \"ref/resource\", not \""
                                            + type + "\"");
        };
    }

    /**
     * Whether {@code uri} is an expansion of the RFC 6570 {@code template}: a simple expression stands for one path
     * segment's worth of characters, any other expression ({@code {+path}}, {@code {?query}}, ...) for anything.
     */
    static boolean matches(String template, String uri) {
        StringBuilder regex = new StringBuilder();
        Matcher expression = EXPRESSION.matcher(template);
        int last = 0;
        while (expression.find()) {
            regex.append(Pattern.quote(template.substring(last, expression.start())));
            regex.append(expression.group(1).isEmpty() ? "[^/?#]*" : ".*");
            last = expression.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return !template.isEmpty() && uri.matches(regex.toString());
    }
}
