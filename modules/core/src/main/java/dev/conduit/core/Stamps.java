package dev.conduit.core;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps to the millisecond ({@code 2026-12-04T09:03:44.123Z} in UTC, without the zone in local time), the date
 * and time of day formatted once per second: log lines and audit records come many per second, and formatting a date
 * each time showed in profiles (3 % of an HTTP tool call's CPU for the audit record's {@code Instant.toString}).
 * Thread-safe.
 */
public final class Stamps {
    private static final Stamps UTC = new Stamps(ZoneOffset.UTC, "Z");
    private static final Stamps LOCAL = new Stamps(ZoneId.systemDefault(), "");

    private final DateTimeFormatter seconds;
    private final String zone;
    private volatile Second last = new Second(Long.MIN_VALUE, "");

    private record Second(long epochSecond, String text) {
    }

    private Stamps(ZoneId zoneId, String zone) {
        this.seconds = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(zoneId);
        this.zone = zone;
    }

    /** ISO 8601 in UTC: {@code 2026-12-04T09:03:44.123Z}. */
    public static Stamps utc() {
        return UTC;
    }

    /** ISO 8601 in the system's time zone, without it: {@code 2026-12-04T10:03:44.123}. */
    public static Stamps local() {
        return LOCAL;
    }

    /** {@code instant} to the millisecond. */
    public String format(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            second = new Second(epochSecond, seconds.format(instant));
            last = second;
        }
        int millis = instant.getNano() / 1_000_000;
        return second.text() + (millis < 10 ? ".00" : millis < 100 ? ".0" : ".") + millis + zone;
    }
}
