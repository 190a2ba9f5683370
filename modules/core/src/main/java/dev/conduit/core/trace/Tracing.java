package dev.conduit.core.trace;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

/**
 * OpenTelemetry tracing of the gateway's work: a span per request, per execution, per tool call (from inside a
 * sandbox too) and per upstream call, with the method, engine, tool and outcome as attributes and never program text
 * or arguments. Off by default: the no-op implementation costs nothing; the app builds one instance from its SDK
 * when {@code tracing.endpoint} is configured and hands it to the gateway and the upstreams, tests an in-memory
 * one. W3C trace context comes in from clients (the transport makes it current) and goes out to upstreams
 * ({@link #traceparent()}).
 * <p>
 * Its signatures use OpenTelemetry's API types, whose automatic module cannot be required transitively; whoever calls
 * them requires {@code io.opentelemetry.api} itself.
 */
@SuppressWarnings("exports")
public final class Tracing {
    private static final String INSTRUMENTATION = "dev.conduit.gateway";
    private static final Tracing NOOP = new Tracing(OpenTelemetry.noop());

    private final Tracer tracer;

    private Tracing(OpenTelemetry telemetry) {
        this.tracer = telemetry.getTracer(INSTRUMENTATION);
    }

    /** Spans made with {@code telemetry} (the app's SDK when {@code tracing.endpoint} is set; tests' in-memory one). */
    public static Tracing of(OpenTelemetry telemetry) {
        return new Tracing(telemetry);
    }

    /** No spans at all, at no cost: the default. */
    public static Tracing noop() {
        return NOOP;
    }

    /** Starts a span under the current one; the caller ends it. */
    public Span start(String name, SpanKind kind) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(Context.current()).startSpan();
    }

    /** Ends {@code span} with {@code outcome}, marking it failed unless the outcome is {@code ok}. */
    public static void end(Span span, String outcome) {
        span.setAttribute("conduit.outcome", outcome);
        if (!"ok".equals(outcome)) {
            span.setStatus(StatusCode.ERROR, outcome);
        }
        span.end();
    }

    /** The current span's W3C {@code traceparent}, to send upstream; empty when nothing is traced. */
    public static Optional<String> traceparent() {
        if (!Span.current().getSpanContext().isValid()) {
            return Optional.empty();
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return Optional.ofNullable(carrier.get("traceparent"));
    }

    /**
     * {@code task} running under the current trace context wherever it runs: OpenTelemetry keeps the context in a
     * thread-local, so work handed to another thread (an upstream call made on a thread of its own) would otherwise
     * run outside the request's trace and send no {@code traceparent}.
     */
    public static Runnable carrying(Runnable task) {
        return Context.current().wrap(task);
    }
}
