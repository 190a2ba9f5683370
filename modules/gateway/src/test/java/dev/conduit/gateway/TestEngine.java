package dev.conduit.gateway;

import java.util.Set;
import java.util.function.Function;

import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;

/**
 * A JavaScript engine for the gateway's tests, always available, holding nothing: what it does with a program is the
 * function it is given (call tools through the request's bridge, answer an outcome).
 */
record TestEngine(String name, Function<ExecutionRequest, ExecutionOutcome> program) implements Executor {
    @Override
    public Set<Language> languages() {
        return Set.of(Language.JAVASCRIPT);
    }

    @Override
    public Availability availability() {
        return new Availability(true, "test");
    }

    @Override
    public ExecutionOutcome execute(ExecutionRequest request) {
        return program.apply(request);
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
