package dev.conduit.exec.graal;

import java.util.concurrent.Future;
import java.util.function.Function;

import com.oracle.truffle.api.ThreadLocalAction;
import com.oracle.truffle.api.TruffleContext;
import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Instrument;

/**
 * Runs host code on a guest's own thread while its program waits: Truffle's thread-local actions, performed at the
 * guest's next safepoint (within microseconds while it runs guest code). The walk of what a program holds runs
 * there ({@link dev.conduit.core.exec.LiveHeap.Share#pollOnItsThread}), so the program cannot grow while it is
 * walked, and the walk does not compete with it for a core.
 *
 * <p>The polyglot API has no such call; Truffle gives it to instruments, so this is the service of one
 * ({@link Installed}, registered by {@link GuestThreadsProvider}) that the host looks up from the engine. It adds
 * nothing to the guest: no node, no binding, no option.
 */
public final class GuestThreads {
    static final String ID = "conduit-guest-threads";

    private final TruffleInstrument.Env env;

    private GuestThreads(TruffleInstrument.Env env) {
        this.env = env;
    }

    /** This engine's service, or null where the instrument is not installed (then nothing runs on guest threads). */
    static GuestThreads of(Engine engine) {
        Instrument instrument = engine.getInstruments().get(ID);
        return instrument == null ? null : instrument.lookup(GuestThreads.class);
    }

    /**
     * Runs actions on the calling thread, the guest's, in {@code context}: each at the thread's next safepoint in
     * it while it runs there (at once if it runs guest code; once a host call returns, if it is in one), the guest
     * waiting meanwhile. Call it on the guest's thread, with the context not entered elsewhere.
     */
    Function<Runnable, Future<Void>> onThisThread(Context context) {
        Thread thread = Thread.currentThread();
        TruffleContext handle;
        context.enter();
        try {
            handle = env.getEnteredContext();
        } finally {
            context.leave();
        }
        return action -> env.submitThreadLocal(handle, new Thread[] {thread}, new ThreadLocalAction(false, false) {
            @Override
            protected void perform(Access access) {
                action.run();
            }
        });
    }

    /** The instrument whose service this is; it only hands its environment to the service. */
    static final class Installed extends TruffleInstrument {
        @Override
        protected void onCreate(Env env) {
            env.registerService(new GuestThreads(env));
        }
    }
}
