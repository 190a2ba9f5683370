package dev.conduit.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The listen streams to a modern upstream: a resource subscription opens a stream whose filter names every resource
 * held, returns once the upstream acknowledged it, and a change replaces the stream (the old one cancelled); the last
 * unsubscribe ends it; a new connection opens it again; an upstream that never acknowledges fails the subscription,
 * which then holds nothing.
 */
class ListenStreamsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * Events on the fake upstream: "open [uris]" when a listen request arrives ("open for lists" for the list stream),
     * "end [uris]" when it is cancelled.
     */
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final ListenStreams streams = new ListenStreams("u", Duration.ofSeconds(5));
    private volatile boolean acknowledge = true;

    @AfterEach
    void close() {
        streams.close();
    }

    /** An upstream that holds every listen request open until it is cancelled, acknowledging each as it opens. */
    private ModernConnection upstream() {
        McpConnection wire = new FakeWire() {
            @Override
            public JsonRpcResponse request(String method, JsonNode params, Duration timeout,
                                           Optional<RequestContext> cause) throws UpstreamException {
                JsonNode filter = params.path("notifications");
                String uris = filter.has("resourceSubscriptions") ? filter.get("resourceSubscriptions").toString()
                        : "for lists";
                events.add("open " + uris);
                if (acknowledge) {
                    ObjectNode ack = Json.object();
                    ack.set("notifications", filter.deepCopy());
                    streams.acknowledged(ack);
                }
                CountDownLatch cancelled = new CountDownLatch(1);
                try (var _ = cause.orElseThrow().cancellation().onCancel(cancelled::countDown)) {
                    cancelled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                events.add("end " + uris);
                throw new UpstreamException("cancelled");
            }

        };
        return new ModernConnection("u", wire, "1", List.of(), (questions, cause) -> List.of(),
                                    name -> Optional.empty());
    }

    private String next() throws InterruptedException {
        return events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void theResourceStreamNamesWhatIsHeldAndEndsWithTheLastSubscription() throws Exception {
        ModernConnection connection = upstream();
        streams.attach(connection, Json.object());
        streams.subscribe(connection, "a://1");
        assertThat(next(), is("open [\"a://1\"]"));
        streams.subscribe(connection, "a://2");
        assertThat(next(), is("open [\"a://1\",\"a://2\"]"));
        assertThat("the stream it replaced ends", next(), is("end [\"a://1\"]"));
        streams.subscribe(connection, "a://2");
        assertThat("held already: the stream stays", events.poll(), is(nullValue()));

        streams.unsubscribe(connection, "a://1");
        assertThat(next(), is("open [\"a://2\"]"));
        assertThat(next(), is("end [\"a://1\",\"a://2\"]"));
        streams.unsubscribe(connection, "a://2");
        assertThat(next(), is("end [\"a://2\"]"));
        assertThat(streams.subscribed(), is(Set.of()));
    }

    @Test
    void aNewConnectionCarriesTheSubscriptionsAgain() throws Exception {
        ModernConnection first = upstream();
        streams.attach(first, Json.object());
        streams.subscribe(first, "a://1");
        assertThat(next(), is("open [\"a://1\"]"));
        // The list stream too, for what the upstream says changes.
        ObjectNode capabilities = Json.object();
        capabilities.putObject("tools").put("listChanged", true);
        streams.attach(upstream(), capabilities);
        List<String> seen = List.of(next(), next(), next());
        assertThat(seen.toString(), seen.contains("end [\"a://1\"]"), is(true));
        assertThat(seen.toString(), seen.contains("open for lists"), is(true));
        assertThat(seen.toString(), seen.stream().filter("open [\"a://1\"]"::equals).count(), is(1L));
    }

    /**
     * A second subscription to a resource whose stream is not acknowledged yet waits for the same acknowledgement
     * (it was answered at once, as held, and then lost the resource when the first one gave up).
     */
    @Test
    void aSubscriptionAskedForMeanwhileWaitsForTheSameAcknowledgement() throws Exception {
        acknowledge = false;
        ListenStreams quick = new ListenStreams("u", Duration.ofMillis(500));
        try {
            ModernConnection connection = upstream();
            quick.attach(connection, Json.object());
            var first = CompletableFuture.runAsync(() -> {
                try {
                    quick.subscribe(connection, "a://1");
                } catch (UpstreamException e) {
                    throw new CompletionException(e);
                }
            });
            assertThat(next(), is("open [\"a://1\"]"));
            assertThrows(UpstreamException.class, () -> quick.subscribe(connection, "a://1"));
            assertThrows(CompletionException.class, first::join);
            assertThat(quick.subscribed(), is(Set.of()));
        } finally {
            quick.close();
        }
    }

    @Test
    void anUpstreamThatNeverAcknowledgesFailsTheSubscription() throws Exception {
        acknowledge = false;
        ListenStreams quick = new ListenStreams("u", Duration.ofMillis(300));
        try {
            ModernConnection connection = upstream();
            quick.attach(connection, Json.object());
            UpstreamException failed = assertThrows(UpstreamException.class, () -> quick.subscribe(connection, "a://1"));
            assertThat(failed.getMessage(), containsString("did not acknowledge"));
            assertThat(quick.subscribed(), is(Set.of()));
            assertThat(next(), is("open [\"a://1\"]"));
            assertThat("the stream nobody needs ends", next(), is("end [\"a://1\"]"));
        } finally {
            quick.close();
        }
    }
}
