package dev.conduit.core.exec;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class GuestRandomTest {

    @Test
    void givesTheBytesAskedForWithinTheQuota() {
        assertThat(GuestRandom.hex(16).matches("[0-9a-f]{32}"), is(true));
        assertThat(GuestRandom.hex(16), not(GuestRandom.hex(16)));
        assertThat(GuestRandom.hex(GuestRandom.MAX_BYTES + 1).length(), is(2 * GuestRandom.MAX_BYTES));
        assertThat(GuestRandom.hex(-5), is(""));
    }
}
