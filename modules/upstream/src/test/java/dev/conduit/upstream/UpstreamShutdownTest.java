package dev.conduit.upstream;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conduit.core.ClientRequests;
import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.trace.Tracing;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Once the server has closed an upstream, nothing starts it again (a late refresh or request would leave a child). */
class UpstreamShutdownTest {

    @Test
    void aClosedUpstreamNeverOpensAConnection() {
        UpstreamConfig config = UpstreamConfig.listFrom(ConfigReader.of(Config.just(ConfigSources.create("""
                upstreams:
                  - id: late
                    command: /bin/true
                """, MediaTypes.APPLICATION_X_YAML))).list("upstreams"), Map.of("PATH", "/usr/bin")).getFirst();
        AtomicInteger opened = new AtomicInteger();
        Upstream upstream = new Upstream(config, listener -> {
            opened.incrementAndGet();
            throw new UpstreamException("not reached");
        }, "test", method -> { }, new Upstream.Relay(new ClientRequests(), notification -> { }), Tracing.noop());
        upstream.close();
        UpstreamException refused = assertThrows(UpstreamException.class, upstream::connection);
        assertThat(refused.getMessage(), containsString("shut down"));
        assertThat(opened.get(), is(0));
    }
}
