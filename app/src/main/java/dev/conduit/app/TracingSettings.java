package dev.conduit.app;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;

/**
 * The {@code tracing} node. Off unless an endpoint is given; then spans go over OTLP/HTTP to it.
 * <pre>
 * tracing:
 *   endpoint: http://127.0.0.1:4318   # an OTLP/HTTP collector; spans are posted to {endpoint}/v1/traces
 *   service-name: conduit
 *   sample-ratio: 1.0                 # of new traces; a client's sampled traceparent is always followed
 *   export-interval: 5s               # how often batched spans are sent
 * </pre>
 */
record TracingSettings(Optional<URI> endpoint, String serviceName, double sampleRatio, Duration exportInterval) {

    static TracingSettings from(ConfigReader node) {
        Optional<URI> endpoint = node.string("endpoint").map(value -> uri(node.key("endpoint"), value));
        String serviceName = node.string("service-name", "conduit");
        String ratio = node.string("sample-ratio", "1.0");
        double sampleRatio;
        try {
            sampleRatio = Double.parseDouble(ratio);
        } catch (NumberFormatException e) {
            sampleRatio = -1;
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new InvalidConfigException(node.key("sample-ratio"), "must be a number from 0 to 1, not '" + ratio
                                                                       + "'");
        }
        Duration interval = node.duration("export-interval", Duration.ofSeconds(5), Duration.ofMillis(50),
                                          Duration.ofMinutes(5));
        node.warnUnknown();
        return new TracingSettings(endpoint, serviceName, sampleRatio, interval);
    }

    private static URI uri(String key, String value) {
        try {
            URI uri = URI.create(value.trim());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // Reported below.
        }
        throw new InvalidConfigException(key, "must be an http(s) URL of an OTLP/HTTP collector, such as "
                                              + "http://127.0.0.1:4318, not '" + value + "'");
    }
}
