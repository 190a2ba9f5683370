package dev.conduit.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PipeWriterTest {

    /** A stream that lets nothing through until released: a reader at the other end that does not read. */
    private static final class Stalled extends OutputStream {
        private final CountDownLatch release = new CountDownLatch(1);
        private final CountDownLatch entered = new CountDownLatch(1);
        private final StringBuilder written = new StringBuilder();

        @Override
        public void write(int b) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            synchronized (written) {
                written.append((char) b);
            }
        }

        String written() {
            synchronized (written) {
                return written.toString();
            }
        }
    }

    @Test
    void writesLinesInOrderFromAnyThreadAndFlushesOnClose() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipeWriter writer = PipeWriter.start("test-writer", new PipedOutputStream(in), 1024);
        writer.writeLine("one".getBytes(StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> {
            try {
                writer.awaitLine("two".getBytes(StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).join();
        assertThat(writer.close(Duration.ofSeconds(5)), is(true));
        byte[] read = new byte[8];
        assertThat(in.readNBytes(read, 0, 8), is(8));
        assertThat(new String(read, StandardCharsets.UTF_8), is("one\ntwo\n"));
    }

    @Test
    void aMessageThatDoesNotFitIsRefusedAloneAndTheWriterGoesOn() throws Exception {
        Stalled stalled = new Stalled();
        PipeWriter writer = PipeWriter.start("test-writer", stalled, 16);
        writer.writeLine("first".getBytes(StandardCharsets.UTF_8)); // taken by the writer thread, stuck in write
        assertThat(stalled.entered.await(5, TimeUnit.SECONDS), is(true));
        writer.writeLine("second".getBytes(StandardCharsets.UTF_8));
        PipeWriter.PipeFullException full = assertThrows(PipeWriter.PipeFullException.class,
                () -> writer.writeLine("third-too-long".getBytes(StandardCharsets.UTF_8)));
        assertThat(full.getMessage(), containsString("max 16"));
        assertThrows(PipeWriter.PipeFullException.class,
                () -> writer.writeLine(new byte[100])); // larger than the whole queue: never fits
        stalled.release.countDown();
        assertThat(writer.close(Duration.ofSeconds(5)), is(true));
        assertThat(stalled.written(), is("first\nsecond\n"));
    }

    @Test
    void awaitLineWaitsForRoomInsteadOfFailing() throws Exception {
        Stalled stalled = new Stalled();
        PipeWriter writer = PipeWriter.start("test-writer", stalled, 8);
        writer.writeLine("aaaaaa".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                writer.awaitLine("bbbbbb".getBytes(StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        assertThat(stalled.entered.await(5, TimeUnit.SECONDS), is(true));
        assertThat(waiting.isDone(), is(false));
        stalled.release.countDown();
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(writer.close(Duration.ofSeconds(5)), is(true));
        assertThat(stalled.written(), is("aaaaaa\nbbbbbb\n"));
    }

    @Test
    void aFailedPipeFailsEveryLaterWrite() throws Exception {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        PipeWriter writer = PipeWriter.start("test-writer", broken, 1024);
        writer.writeLine("x".getBytes(StandardCharsets.UTF_8));
        // The writer thread ends on the failure; close() waits for it and reports that not everything was written.
        assertThat(writer.close(Duration.ofSeconds(5)), is(false));
        IOException failed = assertThrows(IOException.class,
                                          () -> writer.writeLine("y".getBytes(StandardCharsets.UTF_8)));
        assertThat(String.valueOf(failed), failed.getMessage(), containsString("Broken pipe"));
    }
}
