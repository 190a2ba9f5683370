package dev.conduit.exec.rhino;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Time zone offsets for Rhino, which has no {@code Intl}: a date's locale string ignored its {@code timeZone} option
 * and told UTC's time as that zone's. The offsets come from the JDK's time zone database, as data: the guest gets a
 * number, never a host object.
 */
final class ZoneOffsets {
    /** Zone ids by their lower case: {@code Intl} reads them case-insensitively ("europe/paris"). */
    private static final Map<String, String> IDS = ZoneId.getAvailableZoneIds().stream()
            .collect(Collectors.toUnmodifiableMap(id -> id.toLowerCase(Locale.ROOT), id -> id, (a, b) -> a));

    private ZoneOffsets() {
    }

    /**
     * The offset from UTC of {@code zone} at {@code epochMillis}, in minutes (Paris in July: 120); null for a zone
     * that does not exist, which the guest reports as {@code Intl} does (a RangeError).
     */
    static Object minutes(String zone, double epochMillis) {
        if (Double.isNaN(epochMillis) || Double.isInfinite(epochMillis)) {
            return 0.0;
        }
        String id = IDS.getOrDefault(zone.toLowerCase(Locale.ROOT), zone);
        try {
            ZoneId zoneId = ZoneId.of(id);
            return zoneId.getRules().getOffset(Instant.ofEpochMilli((long) epochMillis)).getTotalSeconds() / 60.0;
        } catch (DateTimeException e) {
            return null;
        }
    }
}
