package dev.conduit.core.spi;

import java.util.Objects;

/**
 * One program to run.
 *
 * @param code          the source
 * @param language      its language
 * @param limits        what it may use
 * @param tools         its only way out
 * @param correlationId the request's id, for the log
 */
public record ExecutionRequest(String code, Language language, ExecutionLimits limits, ToolBridge tools,
                               String correlationId) {
    public ExecutionRequest {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(correlationId, "correlationId");
    }
}
