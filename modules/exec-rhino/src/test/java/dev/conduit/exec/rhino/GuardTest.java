package dev.conduit.exec.rhino;

import java.time.Duration;

import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.testing.RecordingBridge;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The guard tells the memory measurer when another limit stopped its program: what such a program held is then not
 * pinned on the programs still running (LiveHeapTest has what the measurer does with it).
 */
class GuardTest {
    private static final long CAP = 64L * 1024 * 1024;

    @Test
    void aProgramStoppedByItsWallTimeIsSaidToBeStopped() {
        ExecutionLimits expired = new ExecutionLimits(Duration.ZERO, Duration.ofSeconds(10), CAP, 1024, 10, 1, 1024);
        try (Guard guard = new Guard(expired, new GuestOutput(1024, 10), new RecordingBridge(1))) {
            LimitStop stop = assertThrows(LimitStop.class, guard::check);
            assertThat(stop.limit(), is(Limit.WALL_TIME));
            assertThat(guard.heap().stoppedByAnotherLimit(), is(true));
        }
    }

    @Test
    void aProgramWithinItsLimitsIsNot() {
        ExecutionLimits generous = new ExecutionLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), CAP, 1024, 10,
                                                       1, 1024);
        try (Guard guard = new Guard(generous, new GuestOutput(1024, 10), new RecordingBridge(1))) {
            for (int i = 0; i < 3 * Guard.CLOCKED_EVERY; i++) {
                guard.check();
            }
            assertThat(guard.heap().stoppedByAnotherLimit(), is(false));
        }
    }
}
