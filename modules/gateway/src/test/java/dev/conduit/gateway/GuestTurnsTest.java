package dev.conduit.gateway;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class GuestTurnsTest {
    private static final long SOON = TimeUnit.MILLISECONDS.toNanos(50);

    @Test
    void oneKeyHoldsAtMostHalfTheTurnsAndAnotherStillFindsOne() throws Exception {
        GuestTurns turns = new GuestTurns(4);
        GuestTurns.Turn first = turns.take("a", deadline()).orElseThrow();
        GuestTurns.Turn second = turns.take("a", deadline()).orElseThrow();
        assertThat(turns.take("a", deadline()).isPresent(), is(false));
        GuestTurns.Turn other = turns.take("b", deadline()).orElseThrow();
        other.close();
        first.close();
        turns.take("a", deadline()).orElseThrow().close();
        second.close();
    }

    @Test
    void aTurnIsGivenBackWhileAToolCallWaitsAndTakenAgainAfter() throws Exception {
        GuestTurns turns = new GuestTurns(2); // one turn per key
        try (GuestTurns.Turn waiting = turns.take("a", deadline()).orElseThrow()) {
            boolean freeMeanwhile = waiting.whileWaiting(() -> {
                try {
                    Optional<GuestTurns.Turn> other = turns.take("a", deadline());
                    other.ifPresent(GuestTurns.Turn::close);
                    return other.isPresent();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat("the key's turn was free while its program waited", freeMeanwhile, is(true));
            assertThat("and the program holds it again after", turns.take("a", deadline()).isPresent(), is(false));
        }
        assertThat(turns.take("a", deadline()).isPresent(), is(true));
    }

    private static long deadline() {
        return System.nanoTime() + SOON;
    }
}
