package dev.conduit.core.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/** When a warm-up step may go: after a pause in programs, for a wanted engine at once, never later than the bound. */
class WarmUpGateTest {
    private static final long QUIET = WarmUpGate.QUIET.toNanos();

    /** A clock the test moves. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final WarmUpGate gate = new WarmUpGate(now::get);

    private void advance(long nanos) {
        now.addAndGet(nanos);
    }

    @Test
    void goesAtOnceWhenNoProgramRan() {
        assertThat(gate.mayGo("graalpy", true), is(true));
        assertThat(gate.mayGo("graalpy", false), is(true));
    }

    @Test
    void waitsWhileAProgramRunsAndUntilProgramsPaused() {
        gate.programBegins("graaljs");
        advance(10 * QUIET);
        assertThat("a program is running", gate.mayGo("graalpy", false), is(false));
        gate.programEnds();
        assertThat("programs ended just now", gate.mayGo("graalpy", false), is(false));
        assertThat(gate.nanosToPause("graalpy", false), is(QUIET));
        advance(QUIET - 1);
        assertThat(gate.mayGo("graalpy", false), is(false));
        advance(1);
        assertThat("no program for QUIET", gate.mayGo("graalpy", false), is(true));
    }

    @Test
    void programsOverlappingKeepItWaitingUntilTheLastEnds() {
        gate.programBegins("graaljs");
        gate.programBegins("graaljs");
        gate.programEnds();
        advance(2 * QUIET);
        assertThat("one is still running", gate.mayGo("graalpy", false), is(false));
        gate.programEnds();
        advance(QUIET);
        assertThat(gate.mayGo("graalpy", false), is(true));
    }

    @Test
    void theFirstStepOfAWantedEngineGoesWhilePrograms() {
        gate.programBegins("graaljs");
        gate.programBegins("graalpy");
        assertThat("its first step lets the program run", gate.mayGo("graalpy", true), is(true));
        assertThat("its later steps still give way", gate.mayGo("graalpy", false), is(false));
        assertThat("another engine's first step gives way", gate.mayGo("rhino", true), is(false));
    }

    @Test
    void noStepWaitsLongerThanTheBoundAfterTheGateOpened() {
        gate.open();
        gate.programBegins("graaljs");
        advance(WarmUpGate.LONGEST_YIELD.toNanos() - 1);
        assertThat(gate.mayGo("graalpy", false), is(false));
        assertThat("asked again no later than the bound", gate.nanosToPause("graalpy", false), is(1L));
        advance(1);
        assertThat(gate.mayGo("graalpy", false), is(true));
        assertThat(gate.mayGo("graalpy", true), is(true));
    }

    @Test
    void openingLeavesTheFirstClientsAMomentToSayWhatTheyWant() {
        advance(10 * QUIET);
        gate.open();
        assertThat(gate.mayGo("graalpy", true), is(false));
        gate.programBegins("graaljs");
        assertThat("the engine the program wants goes", gate.mayGo("graaljs", true), is(true));
        assertThat(gate.mayGo("graalpy", true), is(false));
    }

    @Test
    void firstStepsGoQuickestFirstUnlessWanted() {
        gate.expectFirstStep("graaljs", 0);
        gate.expectFirstStep("graalpy", 1);
        assertThat(gate.mayGo("graaljs", true), is(true));
        assertThat("GraalJS's first step is still to come", gate.mayGo("graalpy", true), is(false));
        assertThat("later steps are not ordered", gate.mayGo("graalpy", false), is(true));
        gate.firstStepDone("graaljs");
        assertThat(gate.mayGo("graalpy", true), is(true));

        WarmUpGate other = new WarmUpGate(now::get);
        other.expectFirstStep("graaljs", 0);
        other.expectFirstStep("graalpy", 1);
        other.programBegins("graalpy");
        assertThat("a Python program does not wait for GraalJS", other.mayGo("graalpy", true), is(true));
    }

    @Test
    void aWaitingFirstStepGoesWhenAProgramWantsItsEngine() throws Exception {
        gate.programBegins("graaljs"); // and never ends; the clock never moves
        CompletableFuture<Void> step = CompletableFuture.runAsync(() -> gate.awaitPause("graalpy", true));
        gate.programBegins("graalpy");
        step.get(30, TimeUnit.SECONDS); // without the wanting, it would wait for ever
        assertThat(gate.mayGo("graalpy", false), is(false));
    }

    @Test
    void theHoldKeepsWarmUpsUntilOpened() throws Exception {
        gate.hold();
        CompletableFuture<Void> passed = CompletableFuture.runAsync(gate::pass);
        assertThat(passed.isDone(), is(false));
        gate.open();
        passed.get(30, TimeUnit.SECONDS);
        assertThat(gate.nanosToPause("graalpy", false), greaterThan(0L));
    }
}
