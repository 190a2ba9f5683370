package dev.conduit.core.spi;

import java.util.Locale;
import java.util.Optional;

/** The languages agents write Code Mode programs in. */
public enum Language {
    /** ECMAScript 2023+, top-level await allowed. */
    JAVASCRIPT,
    /** TypeScript: JavaScript with type syntax, which an engine strips or transpiles. */
    TYPESCRIPT,
    /** Python 3. */
    PYTHON;

    /** The lower-case name used in configuration and requests. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The language named {@code id}, if any. */
    public static Optional<Language> fromId(String id) {
        for (Language language : values()) {
            if (language.id().equals(id)) {
                return Optional.of(language);
            }
        }
        return Optional.empty();
    }
}
