package dev.conduit.core;

import java.util.Locale;
import java.util.Optional;

/** The syslog severities MCP uses for {@code logging/setLevel} and {@code notifications/message}, least severe first. */
public enum LogLevel {
    DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

    /** The wire name, for example {@code "warning"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level with wire name {@code name}, if there is one. */
    public static Optional<LogLevel> fromWireName(String name) {
        for (LogLevel level : values()) {
            if (level.wireName().equals(name)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
