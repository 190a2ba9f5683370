package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpMethods;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code subscriptions/listen} streams the gateway keeps open to an upstream of the 2026-07-28 era, which tells
 * changes only on such streams: one for the lists it says change (so that the tool cache is dropped at once, as with
 * a 2025 upstream's notifications), and one for the resources the gateway's clients subscribed to (the era has no
 * {@code resources/subscribe}). A listen request's filter is fixed when it opens, so a change of the resources opens
 * a stream with the new set, waits for its acknowledgement and only then cancels the one it replaces: an update in
 * between may come twice, none is lost. The resources outlive a connection: the next one opens their stream again.
 * Thread-safe.
 */
final class ListenStreams implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ListenStreams.class.getName());
    private static final Duration OPEN_FOR = Duration.ofDays(1);
    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final Duration OVERLAP = Duration.ofSeconds(1);

    private final String upstreamId;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    /** The resources subscribed to, guarded by {@link #lock}. */
    private final Set<String> uris = new TreeSet<>();
    /** Those of them an acknowledgement on this connection named, guarded by {@link #lock}. */
    private final Set<String> acknowledgedUris = new TreeSet<>();
    /** Subscriptions waiting for an acknowledgement that names their resource. */
    private final List<Awaited> awaited = new CopyOnWriteArrayList<>();
    private ModernConnection connection;
    private Stream lists;
    private Stream resources;

    /** One open listen request: cancelling it ends the stream (stdio: {@code notifications/cancelled}; HTTP: closed). */
    private record Stream(Cancellation cancellation) {
        void end() {
            cancellation.cancel("the gateway no longer needs this stream");
        }
    }

    private record Awaited(String uri, CompletableFuture<Boolean> honoured) {
    }

    /** @param timeout how long a subscription waits for the upstream to acknowledge it (the upstream's timeout) */
    ListenStreams(String upstreamId, Duration timeout) {
        this.upstreamId = upstreamId;
        this.timeout = timeout;
    }

    /**
     * A new connection: its list stream opens for the lists {@code capabilities} say change, and the resource stream
     * for the resources still subscribed to.
     */
    void attach(ModernConnection opened, ObjectNode capabilities) {
        lock.lock();
        try {
            detach();
            connection = opened;
            ObjectNode wanted = Json.object();
            Map.of("tools", "toolsListChanged", "prompts", "promptsListChanged", "resources", "resourcesListChanged")
                    .forEach((kind, flag) -> {
                        if (capabilities.path(kind).path("listChanged").asBoolean(false)) {
                            wanted.put(flag, true);
                        }
                    });
            if (!wanted.isEmpty()) {
                lists = open(opened, wanted, "lists");
            }
            if (!uris.isEmpty()) {
                resources = open(opened, resourceFilter(), "resources");
            }
        } finally {
            lock.unlock();
        }
    }

    /** The connection is gone: its streams end with it. */
    void detach() {
        lock.lock();
        try {
            if (lists != null) {
                lists.end();
                lists = null;
            }
            if (resources != null) {
                resources.end();
                resources = null;
            }
            connection = null;
            acknowledgedUris.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Subscribes to {@code uri} on {@code opened}: returns once the upstream acknowledged a stream that carries it.
     *
     * @throws UpstreamException when it did not within the timeout, or left the resource out (it then holds nothing)
     */
    void subscribe(ModernConnection opened, String uri) throws UpstreamException {
        Awaited ack = new Awaited(uri, new CompletableFuture<>());
        awaited.add(ack);
        try {
            lock.lock();
            try {
                boolean held = uris.contains(uri) && connection == opened && resources != null;
                if (held && acknowledgedUris.contains(uri)) {
                    return; // held already, on the open stream
                }
                if (!held) {
                    uris.add(uri);
                    replaceResourceStream(opened);
                } // else asked for by another subscription a moment ago: this one waits for the same acknowledgement
            } finally {
                lock.unlock();
            }
            ack.honoured().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            release(uri);
            throw new UpstreamException("upstream '" + upstreamId + "' did not acknowledge a subscriptions/listen "
                                        + "stream for " + uri + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(uri);
            throw new UpstreamException("interrupted while subscribing to " + uri);
        } catch (ExecutionException e) {
            release(uri);
            throw new UpstreamException("upstream '" + upstreamId + "' refused subscriptions/listen for " + uri + ": "
                                        + e.getCause().getMessage());
        } finally {
            awaited.remove(ack);
        }
    }

    /** Ends the subscription to {@code uri}: the resource stream opens again without it (or ends, if it was the last). */
    void unsubscribe(ModernConnection opened, String uri) {
        lock.lock();
        try {
            acknowledgedUris.remove(uri);
            if (uris.remove(uri)) {
                replaceResourceStream(opened);
            }
        } finally {
            lock.unlock();
        }
    }

    private void release(String uri) {
        lock.lock();
        try {
            acknowledgedUris.remove(uri);
            if (uris.remove(uri) && connection != null) {
                replaceResourceStream(connection);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Resources subscribed to now, for tests. */
    Set<String> subscribed() {
        lock.lock();
        try {
            return Set.copyOf(uris);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The upstream's {@code notifications/subscriptions/acknowledged}: the subscriptions waiting for a resource it
     * names are done. One it leaves out keeps waiting (an acknowledgement of a stream opened before it was asked for
     * cannot name it) until the timeout.
     */
    void acknowledged(JsonNode params) {
        Set<String> honoured = new TreeSet<>();
        params.path("notifications").path("resourceSubscriptions").forEach(uri -> honoured.add(uri.asString("")));
        lock.lock();
        try {
            honoured.stream().filter(uris::contains).forEach(acknowledgedUris::add);
        } finally {
            lock.unlock();
        }
        for (Awaited ack : awaited) {
            if (honoured.contains(ack.uri())) {
                ack.honoured().complete(true);
            }
        }
    }

    /** Opens a resource stream for the current set on {@code opened}; the one it replaces ends once it is answered. */
    private void replaceResourceStream(ModernConnection opened) {
        Stream previous = resources;
        connection = opened;
        resources = uris.isEmpty() ? null : open(opened, resourceFilter(), "resources");
        if (previous != null) {
            if (resources == null) {
                previous.end();
            } else {
                // The new stream gets a moment to be acknowledged before the old one ends: updates meanwhile may come
                // twice rather than not at all.
                CompletableFuture.runAsync(previous::end, CompletableFuture.delayedExecutor(
                        OVERLAP.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
    }

    private ObjectNode resourceFilter() {
        ObjectNode filter = Json.object();
        ArrayNode list = filter.putArray("resourceSubscriptions");
        uris.forEach(list::add);
        return filter;
    }

    /**
     * Starts one listen request on its own virtual thread; it is sent again {@link #RETRY} after the upstream ends it,
     * while the connection lives and nobody cancelled it.
     */
    private Stream open(ModernConnection opened, ObjectNode filter, String what) {
        Cancellation cancellation = new Cancellation();
        // A request of the gateway's own: no client capabilities, no log level; its cancellation ends the stream.
        RequestContext own = new RequestContext(Principal.anonymous(), "listen-" + upstreamId + "-" + what,
                new LocalSession("listen-" + upstreamId, "upstream", ProtocolVersion.V2026_07_28),
                ClientChannel.discarding(), cancellation);
        ObjectNode params = Json.object();
        params.set("notifications", filter);
        Thread.ofVirtual().name("upstream-" + upstreamId + "-listen-" + what).start(() -> {
            while (opened.alive() && !cancellation.cancelled()) {
                try {
                    if (opened.request(McpMethods.SUBSCRIPTIONS_LISTEN, params, OPEN_FOR, Optional.of(own))
                            instanceof JsonRpcResponse.Failure failure) {
                        LOGGER.log(Level.INFO, "upstream '" + upstreamId + "' refused subscriptions/listen for its "
                                + what + " (" + failure.error().message() + ")" + (what.equals("lists")
                                ? "; its lists are fetched again after cache-ttl" : ""));
                        awaited.forEach(ack -> ack.honoured().completeExceptionally(
                                new UpstreamException(failure.error().message())));
                        return;
                    }
                } catch (UpstreamException e) {
                    if (!opened.alive() || cancellation.cancelled()) {
                        return;
                    }
                    LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': listen stream ended: " + e.getMessage());
                }
                try {
                    Thread.sleep(RETRY);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        });
        return new Stream(cancellation);
    }

    @Override
    public void close() {
        detach();
    }
}
