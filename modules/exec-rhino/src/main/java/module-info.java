/**
 * Lightweight JavaScript sandboxes on Mozilla Rhino: interpreted, safe standard objects only, a class shutter that
 * admits no Java class, no {@code __parent__}, an instruction observer that enforces time, CPU, memory (what the
 * program holds, as the core's LiveHeap measures it) and output limits, and a cap on interpreter stack depth. Programs
 * written with {@code async}/{@code await} are rewritten to settle promises synchronously. The tool bridge is the only
 * host function a program can reach, through the SDK, and it only passes JSON text.
 */
module dev.conduit.exec.rhino {
    requires dev.conduit.core;
    requires dev.conduit.sdkgen;
    requires org.mozilla.rhino;
    requires jdk.management;

    provides dev.conduit.core.spi.ExecutorProvider with dev.conduit.exec.rhino.RhinoProvider;
}
