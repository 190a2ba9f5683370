package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.conduit.core.LogLevel;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.tool.UpstreamFeatures;
import tools.jackson.databind.node.ObjectNode;

/**
 * The upstreams' resources, resource templates and prompts, fetched when asked (in parallel, each upstream within its
 * own timeout; one that fails or does not declare the capability contributes nothing), and requests about one of them
 * forwarded to its owner. Prompts are named {@code <namespace>__<prompt>} by the same rule as tools; resources and
 * templates keep their URIs, which are the upstream's own.
 */
final class PassThrough implements UpstreamFeatures {
    private static final System.Logger LOGGER = System.getLogger(PassThrough.class.getName());

    /** How long {@code initialize} waits for an upstream that is not connected yet to say what it offers. */
    private static final Duration CAPABILITIES_WAIT = Duration.ofSeconds(5);

    private final List<Upstream> upstreams;
    private final Map<String, String> namespaces;

    PassThrough(List<Upstream> upstreams) {
        this.upstreams = List.copyOf(upstreams);
        this.namespaces = upstreams.stream().collect(Collectors.toUnmodifiableMap(Upstream::id,
                upstream -> upstream.config().namespace()));
    }

    @Override
    public List<Owned> list(Kind kind) {
        String key = kind == Kind.PROMPTS ? "name" : kind == Kind.RESOURCES ? "uri" : "uriTemplate";
        List<CompletableFuture<List<ObjectNode>>> fetches = inParallel(kind.field(),
                upstream -> upstream.list(kind.method(), kind.field(), key, kind.capability()));
        List<Owned> owned = new ArrayList<>();
        List<ToolNames.Key> keys = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            Upstream upstream = upstreams.get(i);
            for (ObjectNode item : await(upstream, kind.method(), fetches.get(i), upstream.config().timeout(),
                                         List.of())) {
                String name = item.path(key).asString();
                owned.add(new Owned(upstream.id(), name, item));
                keys.add(new ToolNames.Key(upstream.id(), name));
            }
        }
        if (kind != Kind.PROMPTS) {
            return List.copyOf(owned);
        }
        Map<ToolNames.Key, String> names = ToolNames.assign(keys, upstream -> namespaces.getOrDefault(upstream, upstream));
        List<Owned> prompts = new ArrayList<>();
        for (Owned prompt : owned) {
            String exposed = names.get(new ToolNames.Key(prompt.upstream(), prompt.localName()));
            if (exposed != null) {
                ObjectNode renamed = prompt.item().deepCopy();
                renamed.put("name", exposed);
                prompts.add(new Owned(prompt.upstream(), prompt.localName(), renamed));
            }
        }
        return List.copyOf(prompts);
    }

    /** One piece of work for one upstream, which may connect it first. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Upstream upstream) throws UpstreamException;
    }

    /** Runs {@code work} for every upstream at once, each on its own virtual thread. */
    private <T> List<CompletableFuture<T>> inParallel(String what, Work<T> work) {
        List<CompletableFuture<T>> results = new ArrayList<>();
        for (Upstream upstream : upstreams) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Thread.ofVirtual().name("upstream-" + upstream.id() + "-" + what).start(() -> {
                try {
                    result.complete(work.run(upstream));
                } catch (UpstreamException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
            results.add(result);
        }
        return results;
    }

    /** The result of one upstream's work, or {@code otherwise} when it failed or took longer than {@code limit}. */
    private static <T> T await(Upstream upstream, String what, CompletableFuture<T> work, Duration limit, T otherwise) {
        try {
            return work.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOGGER.log(Level.WARNING, "upstream '" + upstream.id() + "' left out of " + what + ": "
                                      + (cause.getMessage() == null ? "no answer in time" : cause.getMessage()));
            return otherwise;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise;
        }
    }

    @Override
    public Map<String, ObjectNode> capabilities() {
        List<CompletableFuture<ObjectNode>> declared = inParallel("capabilities", Upstream::capabilities);
        Map<String, ObjectNode> byUpstream = new LinkedHashMap<>();
        for (int i = 0; i < upstreams.size(); i++) {
            Upstream upstream = upstreams.get(i);
            Duration limit = upstream.config().timeout().compareTo(CAPABILITIES_WAIT) < 0 ? upstream.config().timeout()
                                                                                           : CAPABILITIES_WAIT;
            byUpstream.put(upstream.id(), await(upstream, "the capabilities", declared.get(i), limit, Json.object()));
        }
        return byUpstream;
    }

    @Override
    public void logLevel(LogLevel level) {
        upstreams.forEach(upstream -> upstream.logLevel(level));
    }

    @Override
    public ObjectNode forward(String upstream, String method, ObjectNode params, RequestContext context) {
        Upstream owner = upstreams.stream().filter(candidate -> candidate.id().equals(upstream)).findFirst()
                .orElseThrow(() -> new RpcException(JsonRpcError.invalidParams("No upstream named " + upstream)));
        try {
            return owner.forward(method, params, context);
        } catch (UpstreamException e) {
            LOGGER.log(Level.WARNING, "[" + context.correlationId() + "] " + upstream + " " + method + " failed: "
                                      + e.getMessage());
            throw new RpcException(Outcome.INTERNAL_ERROR.error(e.getMessage()));
        }
    }
}
