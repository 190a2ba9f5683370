package dev.conduit.exec.graal;

import java.util.Collection;
import java.util.List;

import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import com.oracle.truffle.api.instrumentation.provider.TruffleInstrumentProvider;
import org.graalvm.polyglot.SandboxPolicy;

/**
 * Registers {@link GuestThreads}' instrument with Truffle, which finds instruments as services of this type and
 * reads their registration from the provider. Written by hand: Truffle's annotation processor, which writes these
 * for Truffle's own instruments, would be a build dependency for one class. Not internal: Truffle hides internal
 * instruments from the host's {@code Engine.getInstruments()}, the only way to its service; guests never see either.
 * Listed for both ways the module may run: module-info's {@code provides} and META-INF/services (the class path).
 */
@TruffleInstrument.Registration(id = GuestThreads.ID, name = "Conduit guest threads", internal = false,
        services = GuestThreads.class, sandbox = SandboxPolicy.UNTRUSTED)
public final class GuestThreadsProvider extends TruffleInstrumentProvider {
    @Override
    protected String getInstrumentClassName() {
        return GuestThreads.Installed.class.getName();
    }

    @Override
    protected Object create() {
        return new GuestThreads.Installed();
    }

    @Override
    protected Collection<String> getServicesClassNames() {
        return List.of(GuestThreads.class.getName());
    }
}
