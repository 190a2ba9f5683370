package dev.conduit.core.io;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BoundedLineReaderTest {

    @Test
    void readsLinesWithEitherTerminator() throws Exception {
        BoundedLineReader reader = reader("one\ntwo\r\n\nlast", 100);
        assertThat(text(reader.readLine()), is("one"));
        assertThat(text(reader.readLine()), is("two"));
        assertThat(text(reader.readLine()), is(""));
        assertThat(text(reader.readLine()), is("last"));
        assertThat(reader.readLine().isPresent(), is(false));
    }

    @Test
    void lineOverTheLimitIsRefusedBeforeItIsBuffered() {
        BoundedLineReader reader = reader("x".repeat(50_000) + "\n", 1024);
        assertThrows(BoundedLineReader.LineTooLongException.class, reader::readLine);
    }

    /** Past an oversized line, its first and last bytes are kept and the next line reads as usual. */
    @Test
    void anOversizedLineIsReadPastKeepingItsEnds() throws Exception {
        String line = "{\"result\":\"" + "x".repeat(50_000) + "\",\"jsonrpc\":\"2.0\",\"id\":42}";
        BoundedLineReader reader = reader(line + "\r\nnext\n", 1024);
        BoundedLineReader.LineTooLongException refused = assertThrows(BoundedLineReader.LineTooLongException.class,
                                                                        reader::readLine);
        assertThat(new String(refused.head(), StandardCharsets.UTF_8), is(line.substring(0, BoundedLineReader.KEPT)));
        BoundedLineReader.Skipped rest = reader.skipRest(1L << 20);
        assertThat(rest.ended(), is(true));
        assertThat(rest.lineBytes(), is((long) line.length() + 1)); // the carriage return counted, not kept
        assertThat(new String(rest.tail(), StandardCharsets.UTF_8),
                   is(line.substring(line.length() - BoundedLineReader.KEPT + 1)));
        assertThat(text(reader.readLine()), is("next"));
    }

    /** A line that ends just past the limit: its last bytes were read before it was refused, and are kept too. */
    @Test
    void aLineEndingJustPastTheLimitKeepsItsLastBytes() throws Exception {
        String line = "y".repeat(2000) + "end";
        BoundedLineReader reader = reader(line + "\nnext\n", 1024);
        assertThrows(BoundedLineReader.LineTooLongException.class, reader::readLine);
        BoundedLineReader.Skipped rest = reader.skipRest(1L << 20);
        assertThat(new String(rest.tail(), StandardCharsets.UTF_8), is(line.substring(line.length() - 1024)));
        assertThat(text(reader.readLine()), is("next"));
    }

    /** Reading past stops at the given size (the stream stays where it is) and at the end of the stream. */
    @Test
    void readingPastStopsAtItsBoundAndAtTheEnd() throws Exception {
        BoundedLineReader endless = reader("z".repeat(200_000), 1024);
        assertThrows(BoundedLineReader.LineTooLongException.class, endless::readLine);
        BoundedLineReader.Skipped bounded = endless.skipRest(100_000);
        assertThat(bounded.ended(), is(false));
        assertThat(bounded.lineBytes() > 100_000 && bounded.lineBytes() < 120_000, is(true));
        BoundedLineReader ending = reader("z".repeat(5000), 1024);
        assertThrows(BoundedLineReader.LineTooLongException.class, ending::readLine);
        BoundedLineReader.Skipped atTheEnd = ending.skipRest(100_000);
        assertThat(atTheEnd.ended(), is(false));
        assertThat(atTheEnd.lineBytes(), is(5000L));
    }

    private static BoundedLineReader reader(String text, int max) {
        return new BoundedLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    private static String text(Optional<byte[]> line) {
        return new String(line.orElseThrow(), StandardCharsets.UTF_8);
    }
}
