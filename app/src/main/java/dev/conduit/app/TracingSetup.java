package dev.conduit.app;

import java.util.Optional;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/** Builds the OpenTelemetry SDK with an OTLP/HTTP exporter when {@code tracing.endpoint} is set; nothing otherwise. */
final class TracingSetup {
    private TracingSetup() {
    }

    /** The SDK in use, to close (and flush) at stop; empty when tracing is off. */
    static Optional<OpenTelemetrySdk> start(TracingSettings settings) {
        if (settings.endpoint().isEmpty()) {
            return Optional.empty();
        }
        String endpoint = settings.endpoint().get().toString().replaceAll("/+$", "") + "/v1/traces";
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                                          .setScheduleDelay(settings.exportInterval()).build())
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        return Optional.of(sdk);
    }
}
