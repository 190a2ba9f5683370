package dev.conduit.exec.graal;

import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.testing.ExecutorContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class GraalJsExecutorTest extends ExecutorContract {
    private static final GraalJsExecutor EXECUTOR = GraalJsExecutor.start();

    @Override
    protected Executor executor() {
        return EXECUTOR;
    }

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    @Test
    void hostIsOutOfReach() throws Exception {
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) run("""
                [typeof Java, typeof Packages, typeof Polyglot, typeof load, typeof print, typeof Graal,
                 typeof globalThis.__conduit, Object.keys(globalThis).join(',')]""");
        assertThat(completed.resultJson().orElseThrow(),
                   is("[\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\","
                      + "\"undefined\",\"\"]"));
    }
}
