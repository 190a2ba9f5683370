/**
 * JavaScript and TypeScript sandboxes on GraalVM polyglot (GraalJS), and Python sandboxes (GraalPy): one shared,
 * warmed {@code Engine}; a fresh {@code Context} per execution, taken from a pool of contexts built and initialized
 * ahead and each used once; {@code SandboxPolicy.CONSTRAINED} with no host class lookup, IO, threads, native access,
 * processes, environment or polyglot access, and the {@code Java}, {@code Packages}, {@code load}, {@code print} and
 * {@code Graal} globals gone. The tool bridge is the only host object, and it only passes JSON text. One Truffle
 * instrument of ours ({@code GuestThreads}) lets the host run the walk of what a program holds on the program's own
 * thread; it adds nothing the guest can see.
 */
module dev.conduit.exec.graal {
    requires dev.conduit.core;
    requires dev.conduit.sdkgen;
    requires org.graalvm.polyglot;
    requires org.graalvm.truffle;
    requires jdk.management;

    provides dev.conduit.core.spi.ExecutorProvider with dev.conduit.exec.graal.GraalJsProvider,
            dev.conduit.exec.graal.GraalPyProvider;
    provides com.oracle.truffle.api.instrumentation.provider.TruffleInstrumentProvider
            with dev.conduit.exec.graal.GuestThreadsProvider;
}
