package dev.conduit.exec.graal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time zone as TZif data (RFC 8536, version 2), written from the JDK's time zone database, for Python's
 * {@code zoneinfo}: the sandbox reads no file, and no {@code tzdata} package is installed, so every
 * {@code ZoneInfo("Europe/Paris")} failed. Transitions are listed up to {@value #LAST_YEAR}; after that the last one's
 * offset holds (no footer rule is written).
 */
final class TzifData {
    static final int LAST_YEAR = 2100;
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    private static final Map<String, String> WRITTEN = new ConcurrentHashMap<>();
    private static final DateTimeFormatter ABBREVIATION = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);
    private static final Pattern GMT_OFFSET = Pattern.compile("GMT([+-])(\\d\\d):(\\d\\d)");
    private static final Instant END = ZonedDateTime.of(LAST_YEAR + 1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();
    /** Before any zone's first transition (local mean times ended in the 19th century). */
    private static final Instant START = ZonedDateTime.of(1600, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();

    private TzifData() {
    }

    private record Type(int offsetSeconds, boolean dst, String abbreviation) {
    }

    /**
     * The TZif data of the zone {@code key} ("Europe/Paris"), one byte a char; empty for a key that names no zone.
     * Written once per zone and kept (the JDK's rules do not change while it runs; at most every zone, a few KB each).
     */
    static Optional<String> latin1(String key) {
        if (!ZONES.contains(key)) {
            return Optional.empty();
        }
        return Optional.of(WRITTEN.computeIfAbsent(key, zone -> new String(of(ZoneId.of(zone)),
                                                                           StandardCharsets.ISO_8859_1)));
    }

    static byte[] of(ZoneId zone) {
        ZoneRules rules = zone.getRules();
        List<Long> times = new ArrayList<>();
        List<Type> typeOfEach = new ArrayList<>();
        ZoneOffsetTransition next = rules.nextTransition(START);
        Type first = next == null ? type(zone, rules, Instant.EPOCH)
                : new Type(next.getOffsetBefore().getTotalSeconds(), false,
                           abbreviation(zone, next.getInstant().minusSeconds(1)));
        for (; next != null && next.getInstant().isBefore(END); next = rules.nextTransition(next.getInstant())) {
            times.add(next.getInstant().getEpochSecond());
            typeOfEach.add(type(zone, rules, next.getInstant()));
        }
        Map<Type, Integer> types = new LinkedHashMap<>();
        types.put(first, 0); // the type before the first transition comes first, as RFC 8536 has readers assume
        typeOfEach.forEach(type -> types.putIfAbsent(type, types.size()));
        StringBuilder chars = new StringBuilder();
        Map<String, Integer> at = new LinkedHashMap<>();
        types.keySet().forEach(type -> at.computeIfAbsent(type.abbreviation(), name -> {
            int index = chars.length();
            chars.append(name).append('\0');
            return index;
        }));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            // Version 1 block: empty but well formed (one type, one character); readers of version 2 skip it.
            header(out, 0, 1, 1);
            out.writeInt(0);
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(0);
            header(out, times.size(), types.size(), chars.length());
            for (long time : times) {
                out.writeLong(time);
            }
            for (Type type : typeOfEach) {
                out.writeByte(types.get(type));
            }
            for (Type type : types.keySet()) {
                out.writeInt(type.offsetSeconds());
                out.writeByte(type.dst() ? 1 : 0);
                out.writeByte(at.get(type.abbreviation()));
            }
            out.write(chars.toString().getBytes(StandardCharsets.US_ASCII));
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII)); // no footer rule
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void header(DataOutputStream out, int transitions, int types, int chars) throws IOException {
        out.write("TZif2".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[15]);
        out.writeInt(0); // isutcnt
        out.writeInt(0); // isstdcnt
        out.writeInt(0); // leapcnt
        out.writeInt(transitions);
        out.writeInt(types);
        out.writeInt(chars);
    }

    private static Type type(ZoneId zone, ZoneRules rules, Instant instant) {
        return new Type(rules.getOffset(instant).getTotalSeconds(), rules.isDaylightSavings(instant),
                        abbreviation(zone, instant));
    }

    /**
     * "CEST"; for a zone Java names no abbreviation for ("GMT+10:30"), its offset as the tz database writes it
     * ("+1030", "+11").
     */
    private static String abbreviation(ZoneId zone, Instant instant) {
        String name = ABBREVIATION.format(ZonedDateTime.ofInstant(instant, zone));
        Matcher offset = GMT_OFFSET.matcher(name);
        if (offset.matches()) {
            return offset.group(1) + offset.group(2) + (offset.group(3).equals("00") ? "" : offset.group(3));
        }
        return name.chars().allMatch(c -> c > ' ' && c < 127) ? name : "UTC";
    }

    /** Every zone's key, sorted, one a line: zoneinfo.available_timezones(). */
    static String keys() {
        return String.join("\n", new TreeSet<>(ZONES));
    }
}
