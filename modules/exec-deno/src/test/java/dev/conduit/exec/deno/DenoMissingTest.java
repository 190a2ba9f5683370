package dev.conduit.exec.deno;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.RecordingBridge;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

/** Without a Deno binary the engine says so, in health and to every program, and starts no process. */
class DenoMissingTest {

    @Test
    void aMissingBinaryMakesTheEngineUnavailableWithWhereItLooked() {
        Path nowhere = Path.of("/nonexistent/conduit/deno");
        try (DenoExecutor executor = new DenoExecutor(new DenoSettings(Optional.of(nowhere), 2, 4, 256,
                                                                        DenoSettings.DEFAULT_CPU_BACKSTOP))) {
            assertThat(executor.availability().available(), is(false));
            assertThat(executor.availability().detail(), containsString("executors.deno.path " + nowhere));
            ExecutionOutcome outcome = executor.execute(new ExecutionRequest(
                    "1 + 1", Language.TYPESCRIPT,
                    new ExecutionLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), 1 << 26, 1024, 10, 1, 1024),
                    new RecordingBridge(1), "missing"));
            assertThat(outcome, instanceOf(ExecutionOutcome.GuestError.class));
            assertThat(outcome.stderr(), containsString("The deno engine is not available"));
            assertThat(executor.runner() == null, is(true));
        }
    }

    @Test
    void theBinaryIsFoundThroughConfigurationAsAnAbsolutePath() {
        DenoLocator.Found found = DenoLocator.locate(Optional.of(Path.of(System.getProperty("conduit.deno.binary"))));
        assertThat(found instanceof DenoLocator.Binary(Path path) && path.isAbsolute(), is(true));
    }
}
