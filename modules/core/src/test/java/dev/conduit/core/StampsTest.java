package dev.conduit.core;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Stamps read like the JDK's own formatting to the millisecond, whichever second came before. */
class StampsTest {
    @ParameterizedTest
    @ValueSource(strings = {"2026-12-04T09:03:44.123456789Z", "2026-12-04T09:03:44.007Z", "2026-12-04T09:03:44Z",
                            "2026-12-04T09:03:45.090Z", "1999-12-31T23:59:59.999999Z", "2026-12-04T09:03:44.5Z"})
    void likeTheJdkToTheMillisecond(String text) {
        Instant instant = Instant.parse(text);
        Instant millis = instant.truncatedTo(ChronoUnit.MILLIS);
        String utc = Stamps.utc().format(instant);
        assertThat(Instant.parse(utc), is(millis));
        assertThat(utc.length(), is("2026-12-04T09:03:44.123Z".length()));
        assertThat(Stamps.local().format(instant),
                   is(LocalDateTime.ofInstant(millis, ZoneId.systemDefault()).toString().substring(0, 19)
                      + utc.substring(19, 23)));
    }
}
