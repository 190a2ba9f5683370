package dev.conduit.core.testing;

import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Programs made of JavaScript's pieces in random order, mostly not JavaScript at all: for what reads every program
 * before an engine does (token readers, rewrites), which must answer for any text and leave the engine to report it.
 * Seeded, so a failure repeats.
 */
public final class RandomJavaScript {
    private static final String[] PIECES = {"await", "return", "async", "function", "=>", "(", ")", "{", "}", "[", "]",
                                            "`", "${", "'", "\"", "\\", "/", "//", "/*", "*/", "\n", " ", ";", ",",
                                            ".", "?.", ":", "x", "1", "for", "if", "new", "class", "get", "=", "+",
                                            "++", "!", "*", "0x", "e", "-"};

    private RandomJavaScript() {
    }

    /** {@code count} programs of 1 to 23 pieces each, the same for the same seed. */
    public static Stream<String> programs(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        return Stream.generate(() -> {
            StringBuilder code = new StringBuilder();
            for (int k = random.nextInt(1, 24); k > 0; k--) {
                code.append(PIECES[random.nextInt(PIECES.length)]);
            }
            return code.toString();
        }).limit(count);
    }
}
