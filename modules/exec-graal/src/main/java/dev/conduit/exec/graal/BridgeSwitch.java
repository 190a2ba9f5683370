package dev.conduit.exec.graal;

import java.util.concurrent.atomic.AtomicReference;

import dev.conduit.core.spi.ToolBridge;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The tool bridge of a pooled context, pointed at one execution's {@link ToolBridge} at a time: the SDK is installed
 * with these two functions while the context is made ahead, so an execution only points them at its bridge. Between
 * executions (and after) they answer an error and an empty manifest.
 */
final class BridgeSwitch {
    private static final String NO_EXECUTION = "{\"error\":{\"code\":-32603,\"message\":\"No execution is running\"}}";

    private final AtomicReference<ToolBridge> target = new AtomicReference<>();

    /** {@code (tool, argumentsJson) -> outcomeJson}, as {@link ToolBridge#call}. */
    final ProxyExecutable call = args -> {
        ToolBridge bridge = target.get();
        return bridge == null ? NO_EXECUTION : bridge.call(args[0].asString(), args[1].asString());
    };

    /** {@code () -> manifestJson}, as {@link ToolBridge#manifestJson}. */
    final ProxyExecutable manifest = args -> {
        ToolBridge bridge = target.get();
        return bridge == null ? "[]" : bridge.manifestJson();
    };

    void target(ToolBridge bridge) {
        target.set(bridge);
    }
}
