package dev.conduit.exec.graal;

import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

class GuestThreadsTest {

    @Test
    void actionRunsOnTheGuestThreadWhileItsProgramRuns() throws Exception {
        try (Engine engine = Engine.newBuilder("js").sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream()).err(OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false").build();
             Context context = Context.newBuilder("js").engine(engine).sandbox(SandboxPolicy.CONSTRAINED)
                     .out(OutputStream.nullOutputStream()).err(OutputStream.nullOutputStream()).build()) {
            GuestThreads threads = GuestThreads.of(engine); // found in a sandboxed engine, as the executors use it
            assertThat(threads, notNullValue());
            CompletableFuture<Function<Runnable, Future<Void>>> onGuest = new CompletableFuture<>();
            CompletableFuture<Void> started = new CompletableFuture<>();
            CompletableFuture<Value> result = new CompletableFuture<>();
            context.getBindings("js").putMember("started", (ProxyExecutable) args -> started.complete(null));
            Thread guest = Thread.ofPlatform().start(() -> {
                onGuest.complete(threads.onThisThread(context));
                // Runs until the action has run: only an action performed inside the loop ends it.
                result.complete(context.eval("js", "started(); let n = 0; while (!globalThis.done) { n++; } n"));
            });
            started.get(20, TimeUnit.SECONDS);
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            onGuest.get().apply(() -> {
                ranOn.complete(Thread.currentThread());
                context.getBindings("js").putMember("done", true); // only the guest's own thread may do this now
            }).get(20, TimeUnit.SECONDS);
            assertThat(ranOn.get(), is(guest));
            guest.join();
            // Ended, and only the action could end it (it may have run before the loop's first turn: n may be 0).
            assertThat(result.get().isNumber(), is(true));
        }
    }
}
