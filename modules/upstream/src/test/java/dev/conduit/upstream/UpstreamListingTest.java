package dev.conduit.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.ClientRequests;
import dev.conduit.core.RequestContext;
import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.trace.Tracing;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** An upstream's tool list as the gateway keeps it: every page, each name once, the first listed kept. */
class UpstreamListingTest {

    @Test
    void aNameListedTwiceIsKeptAsFirstListed() throws Exception {
        UpstreamConfig config = UpstreamConfig.listFrom(ConfigReader.of(Config.just(ConfigSources.create("""
                upstreams:
                  - id: twice
                    command: /bin/true
                    protocol: legacy
                """, MediaTypes.APPLICATION_X_YAML))).list("upstreams"), Map.of("PATH", "/usr/bin")).getFirst();
        McpConnection wire = new FakeWire() {
            @Override
            public JsonRpcResponse request(String method, JsonNode params, Duration timeout,
                                           Optional<RequestContext> cause) {
                String result = switch (method) {
                    case "initialize" -> """
                            {"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"t"}}""";
                    // Two pages that overlap, and a name repeated within the first.
                    case "tools/list" -> params.has("cursor") ? """
                            {"tools":[{"name":"b","description":"second b"},{"name":"c"}]}""" : """
                            {"tools":[{"name":"a"},{"name":"b","description":"first b"},{"name":"a"}],
                             "nextCursor":"2"}""";
                    default -> throw new AssertionError(method);
                };
                return JsonRpcResponse.success(JsonRpcId.of(1), Json.mapper().readTree(result));
            }

        };
        Upstream upstream = new Upstream(config, listener -> wire, "test", method -> { },
                                         new Upstream.Relay(new ClientRequests(), notification -> { }), Tracing.noop());
        try {
            List<ObjectNode> tools = upstream.refreshTools();
            assertThat(tools.stream().map(tool -> tool.get("name").asString()).toList(), is(List.of("a", "b", "c")));
            assertThat(tools.get(1).get("description").asString(), is("first b"));
        } finally {
            upstream.close();
        }
    }
}
