package dev.conduit.gateway;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Admission by memory: programs start while their caps fit beside the server's reserve, and give them back. */
class HeapBudgetTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aQuarterOfTheHeapAtLeast256MbIsKeptForTheServer() {
        assertThat(new HeapBudget(4096 * MIB).budget(), is(3072 * MIB));
        assertThat(new HeapBudget(512 * MIB).budget(), is(256 * MIB));
        assertThat(new HeapBudget(200 * MIB).budget(), is(0L));
    }

    @Test
    void programsStartWhileTheirCapsFitAndGiveThemBack() {
        HeapBudget budget = new HeapBudget(1024 * MIB); // 768 MiB for programs
        Optional<HeapBudget.Reservation> first = budget.reserve(512 * MIB);
        Optional<HeapBudget.Reservation> second = budget.reserve(256 * MIB);
        assertThat(first.isPresent() && second.isPresent(), is(true));
        assertThat(budget.reserve(1).isPresent(), is(false));
        first.get().close();
        first.get().close(); // twice gives back once
        assertThat(budget.reserved(), is(256 * MIB));
        assertThat(budget.reserve(512 * MIB).isPresent(), is(true));
        assertThat(budget.reserve(1).isPresent(), is(false));
    }
}
