package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.tool.UpstreamFeatures;
import tools.jackson.databind.node.ObjectNode;

/**
 * The upstreams' resources, resource templates and prompts, fetched when asked (in parallel, each upstream within its
 * own timeout; one that fails or does not declare the capability contributes nothing), and requests about one of them
 * forwarded to its owner. Prompts are named {@code <upstream>__<prompt>} by the same rule as tools; resources and
 * templates keep their URIs, which are the upstream's own.
 */
final class PassThrough implements UpstreamFeatures {
    private static final System.Logger LOGGER = System.getLogger(PassThrough.class.getName());

    private final List<Upstream> upstreams;

    PassThrough(List<Upstream> upstreams) {
        this.upstreams = List.copyOf(upstreams);
    }

    @Override
    public List<Owned> list(Kind kind) {
        String key = kind == Kind.PROMPTS ? "name" : kind == Kind.RESOURCES ? "uri" : "uriTemplate";
        List<CompletableFuture<List<ObjectNode>>> fetches = new ArrayList<>();
        for (Upstream upstream : upstreams) {
            CompletableFuture<List<ObjectNode>> fetched = new CompletableFuture<>();
            Thread.ofVirtual().name("upstream-" + upstream.id() + "-" + kind.field()).start(() -> {
                try {
                    fetched.complete(upstream.list(kind.method(), kind.field(), key, kind.capability()));
                } catch (UpstreamException | RuntimeException e) {
                    fetched.completeExceptionally(e);
                }
            });
            fetches.add(fetched);
        }
        List<Owned> owned = new ArrayList<>();
        List<ToolNames.Key> keys = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            Upstream upstream = upstreams.get(i);
            for (ObjectNode item : await(upstream, kind, fetches.get(i))) {
                String name = item.path(key).asString();
                owned.add(new Owned(upstream.id(), name, item));
                keys.add(new ToolNames.Key(upstream.id(), name));
            }
        }
        if (kind != Kind.PROMPTS) {
            return List.copyOf(owned);
        }
        Map<ToolNames.Key, String> names = ToolNames.assign(keys);
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

    private static List<ObjectNode> await(Upstream upstream, Kind kind, CompletableFuture<List<ObjectNode>> fetch) {
        try {
            return fetch.get(upstream.config().timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOGGER.log(Level.WARNING, "upstream '" + upstream.id() + "' left out of " + kind.method() + ": "
                                      + (cause.getMessage() == null ? "no answer in time" : cause.getMessage()));
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public ObjectNode forward(String upstream, String method, ObjectNode params, RequestContext context) {
        Upstream owner = upstreams.stream().filter(candidate -> candidate.id().equals(upstream)).findFirst()
                .orElseThrow(() -> new RpcException(JsonRpcError.invalidParams("No upstream named " + upstream)));
        try {
            return owner.forward(method, params, context.cancellation());
        } catch (UpstreamException e) {
            LOGGER.log(Level.WARNING, "[" + context.correlationId() + "] " + upstream + " " + method + " failed: "
                                      + e.getMessage());
            throw new RpcException(Outcome.INTERNAL_ERROR.error(e.getMessage()));
        }
    }
}
