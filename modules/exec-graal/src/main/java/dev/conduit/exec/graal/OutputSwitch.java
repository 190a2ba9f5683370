package dev.conduit.exec.graal;

import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

import dev.conduit.core.exec.GuestOutput;

/** The stream a pooled context writes to, pointed at one execution's output at a time. */
final class OutputSwitch extends OutputStream {
    private final boolean error;
    private final AtomicReference<GuestOutput> target = new AtomicReference<>();

    OutputSwitch(boolean error) {
        this.error = error;
    }

    void target(GuestOutput output) {
        target.set(output);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        GuestOutput output = target.get();
        if (output != null) {
            output.write(error, data, offset, length);
        }
    }
}
