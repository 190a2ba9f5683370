package dev.conduit.gateway;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.LocalSession;
import dev.conduit.core.LogLevel;
import dev.conduit.core.McpSession;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.tool.UpstreamFeatures;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** Which URIs a resource template claims when a read is routed to its upstream; who holds a subscription. */
class PassThroughMethodsTest {
    /** What the upstream "docs" was sent, as "method uri". */
    private final BlockingQueue<String> forwarded = new LinkedBlockingQueue<>();
    private final PassThroughMethods passThrough = new PassThroughMethods(new UpstreamFeatures() {
        @Override
        public List<Owned> list(Kind kind) {
            return kind == Kind.RESOURCES
                    ? List.of(new Owned("docs", "readme", Json.object().put("uri", "docs://readme"))) : List.of();
        }

        @Override
        public ObjectNode forward(String upstream, String method, ObjectNode params, RequestContext context) {
            forwarded.add(upstream + " " + method + " " + params.path("uri").asString());
            return Json.object();
        }

        @Override
        public Map<String, ObjectNode> capabilities() {
            return Map.of();
        }

        @Override
        public void logLevel(LogLevel level) {
        }
    }, 50);
    private final Map<String, MethodHandler> handlers = new HashMap<>();

    {
        passThrough.register(handlers);
    }

    /**
     * A session that ends without unsubscribing (the usual way: clients close) no longer holds its subscription; the
     * owner is told to unsubscribe when the last holder goes, as if it had unsubscribed.
     */
    @Test
    void aSessionThatEndsReleasesItsSubscriptions() throws Exception {
        McpSession first = new LocalSession("first", "http", ProtocolVersion.V2025_11_25);
        McpSession second = new LocalSession("second", "socket", ProtocolVersion.V2025_11_25);
        subscribe(first);
        subscribe(second);
        assertThat(forwarded.poll(), is("docs resources/subscribe docs://readme"));
        assertThat(forwarded.poll(), is("docs resources/subscribe docs://readme"));
        assertThat(passThrough.held(), is(2));
        assertThat(passThrough.subscribers("docs://readme").test(first), is(true));

        passThrough.release(first);
        assertThat(passThrough.held(), is(1));
        assertThat(passThrough.subscribers("docs://readme").test(first), is(false));
        assertThat(passThrough.subscribers("docs://readme").test(second), is(true));
        passThrough.release(first);
        assertThat(passThrough.held(), is(1));

        passThrough.release(second);
        assertThat(passThrough.held(), is(0));
        assertThat(forwarded.poll(10, TimeUnit.SECONDS), is("docs resources/unsubscribe docs://readme"));
        assertThat("one unsubscribe, when the last holder went", forwarded.poll(), is(nullValue()));
        // The same id on another listener is another session.
        subscribe(new LocalSession("first", "pipe", ProtocolVersion.V2025_11_25));
        assertThat(passThrough.subscribers("docs://readme").test(first), is(false));
    }

    private void subscribe(McpSession session) {
        ObjectNode params = Json.object().put("uri", "docs://readme");
        handlers.get("resources/subscribe").handle(new JsonRpcRequest(JsonRpcId.of(1), "resources/subscribe", params),
                                                   TestSession.context(session, List.of("docs.*")));
    }

    @Test
    void aSimpleExpressionStandsForOneSegment() {
        assertThat(PassThroughMethods.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/text/42"),
                   is(true));
        assertThat(PassThroughMethods.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/text/4/2"),
                   is(false));
        assertThat(PassThroughMethods.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/blob/42"),
                   is(false));
    }

    @Test
    void reservedAndQueryExpressionsStandForAnything() {
        assertThat(PassThroughMethods.matches("file:///{+path}", "file:///home/a/b.txt"), is(true));
        assertThat(PassThroughMethods.matches("search://items{?q,limit}", "search://items?q=x&limit=2"), is(true));
    }

    @Test
    void literalPartsAreLiteral() {
        assertThat(PassThroughMethods.matches("a.b://x/{id}", "aXb://x/1"), is(false));
        assertThat(PassThroughMethods.matches("", ""), is(false));
    }
}
