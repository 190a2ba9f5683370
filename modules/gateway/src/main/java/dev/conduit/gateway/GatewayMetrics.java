package dev.conduit.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.conduit.policy.RateLimiter;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The gateway's meters, in one place so that their names, labels and meaning are written down once
 * ({@code docs/operations.md} lists them; the dashboard and alert rules in {@code ops/} are tested against them).
 * Label values are bounded: engine names, upstream ids and tool names from the catalog, fixed outcome words; never
 * anything from a request.
 */
public final class GatewayMetrics {
    /** Latency buckets from 1 ms to 60 s: Code Mode spans fast in-process runs to long tool chains. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    // Looking a meter up in the registry builds its identity each time (a tenth of a direct tool call's CPU); the
    // meters found are kept here. Bounded like the labels (see above).
    private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();
    private final Map<MeterKey, Timer> timers = new ConcurrentHashMap<>();

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An execution was accepted by an engine's queue. */
    void executionStarted(String engine) {
        counter("conduit.executions.started", "Executions handed to an engine", Tag.create("engine", engine))
                .increment();
    }

    /** An execution ended: how, after how long, and how long it waited for a guest thread. */
    void executionFinished(String engine, String outcome, Duration took, Duration waited) {
        counter("conduit.executions.finished", "Executions that ended, by outcome", Tag.create("engine", engine),
                Tag.create("outcome", outcome)).increment();
        timer("conduit.execution.duration", "Time from accepting an execution to its end",
              Tag.create("engine", engine)).record(took);
        timer("conduit.execution.queue.wait", "Time an execution waited for a guest thread",
              Tag.create("engine", engine)).record(waited);
    }

    /** Work refused by a rate limit: {@code requests}, {@code executions} or {@code tool-calls}. */
    void rateLimited(RateLimiter.Kind kind) {
        counter("conduit.rate.limited", "Requests, executions and programs' tool calls refused by a rate limit",
                Tag.create("limit", kind.id())).increment();
    }

    /** A JSON-RPC request answered, by the listener it came through, its method and how it ended. */
    void request(String transport, String method, String outcome, Duration took) {
        counter("conduit.requests", "JSON-RPC requests answered, by listener, method and outcome",
                Tag.create("transport", transport), Tag.create("method", method), Tag.create("outcome", outcome))
                .increment();
        timer("conduit.request.duration", "Time to answer a JSON-RPC request", Tag.create("transport", transport))
                .record(took);
    }

    /** A tool call by a program or a client, through the one policy path. */
    void toolCall(String upstream, String tool, String outcome, Duration took) {
        counter("conduit.tool.calls", "Tool calls, by upstream, tool and outcome", Tag.create("upstream", upstream),
                Tag.create("tool", tool), Tag.create("outcome", outcome)).increment();
        timer("conduit.tool.call.duration", "Time a tool call took, validation and upstream included",
              Tag.create("upstream", upstream)).record(took);
    }

    /** A gauge read when scraped. */
    void gauge(String name, String description, Supplier<? extends Number> value, Tag... tags) {
        registry.getOrCreate(Gauge.builder(name, () -> value.get().doubleValue()).description(description)
                                     .tags(List.of(tags)));
    }

    private Counter counter(String name, String description, Tag... tags) {
        return counters.computeIfAbsent(MeterKey.of(name, tags), key -> registry.getOrCreate(
                Counter.builder(name).description(description).tags(List.of(tags))));
    }

    /** A Prometheus histogram: buckets only. Helidon's default client-side percentiles would make it fail promtool. */
    private Timer timer(String name, String description, Tag... tags) {
        return timers.computeIfAbsent(MeterKey.of(name, tags), key -> registry.getOrCreate(
                Timer.builder(name).description(description).baseUnit("seconds").buckets(BUCKETS)
                        .percentiles(new double[0]).tags(List.of(tags))));
    }

    /** A meter's name and label values (each name has fixed label names). */
    private record MeterKey(String name, List<String> values) {
        static MeterKey of(String name, Tag... tags) {
            String[] values = new String[tags.length];
            for (int i = 0; i < tags.length; i++) {
                values[i] = tags[i].value();
            }
            return new MeterKey(name, List.of(values));
        }
    }
}
