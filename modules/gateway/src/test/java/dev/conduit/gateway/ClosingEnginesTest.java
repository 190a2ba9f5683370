package dev.conduit.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;

/**
 * Shutdown closes every engine even when one fails to close: a Truffle engine closed under a sandbox still being made
 * once threw from its close, and the engines after it (Deno's processes among them) stayed open.
 */
class ClosingEnginesTest {

    @Test
    void anEngineFailingToCloseDoesNotKeepTheOthersOpen() {
        List<String> closed = new ArrayList<>();
        ExecutorRegistry registry = ExecutorRegistry.of(List.of(new Closing("graaljs", closed, true),
                                                                new Closing("deno", closed, false),
                                                                new Closing("rhino", closed, true)));
        registry.close();
        assertThat(closed, contains("graaljs", "deno", "rhino"));
    }

    private record Closing(String name, List<String> closed, boolean fails) implements Executor {
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
            throw new UnsupportedOperationException("not run in this test");
        }

        @Override
        public void close() {
            closed.add(name);
            if (fails) {
                throw new IllegalStateException("Internal GraalVM error");
            }
        }
    }
}
