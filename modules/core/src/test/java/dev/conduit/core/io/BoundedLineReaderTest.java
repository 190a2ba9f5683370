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

    private static BoundedLineReader reader(String text, int max) {
        return new BoundedLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    private static String text(Optional<byte[]> line) {
        return new String(line.orElseThrow(), StandardCharsets.UTF_8);
    }
}
