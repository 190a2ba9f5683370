package dev.conduit.gateway;

import java.time.Duration;
import java.util.Optional;

import dev.conduit.core.Cancellation;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class KeySlotsTest {
    private static long in(Duration duration) {
        return System.nanoTime() + duration.toNanos();
    }

    @Test
    void aKeyGetsItsShareAndNoMoreWhileAnotherKeyIsUnaffected() throws Exception {
        KeySlots slots = new KeySlots(2);
        Optional<KeySlots.Slot> first = slots.acquire("a", in(Duration.ofSeconds(1)), new Cancellation());
        Optional<KeySlots.Slot> second = slots.acquire("a", in(Duration.ofSeconds(1)), new Cancellation());
        assertThat(first.isPresent() && second.isPresent(), is(true));
        // The third of the same key waits until its deadline and gets nothing.
        assertThat(slots.acquire("a", in(Duration.ofMillis(100)), new Cancellation()).isPresent(), is(false));
        assertThat(slots.acquire("b", in(Duration.ofMillis(100)), new Cancellation()).isPresent(), is(true));
        first.get().close();
        assertThat(slots.acquire("a", in(Duration.ofSeconds(1)), new Cancellation()).isPresent(), is(true));
    }

    @Test
    void aCancelledRequestStopsWaitingForASlot() throws Exception {
        KeySlots slots = new KeySlots(1);
        slots.acquire("a", in(Duration.ofSeconds(1)), new Cancellation()).orElseThrow();
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();
        long started = System.nanoTime();
        assertThat(slots.acquire("a", in(Duration.ofMinutes(5)), cancelled).isPresent(), is(false));
        assertThat(System.nanoTime() - started < Duration.ofMinutes(1).toNanos(), is(true));
    }
}
