package dev.conduit.ops;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * JVM and process meters under Prometheus naming ({@code jvm_memory_used_bytes}, {@code process_cpu_seconds_total},
 * {@code process_open_fds}, ...), bound to the registry the ops socket exposes. Helidon's own system meters are
 * left out: their camelCase names and {@code _count} gauges fail {@code promtool check metrics}.
 */
public final class JvmMeters implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private JvmMeters() {
    }

    /** Binds the meters to Helidon's registry; close to stop listening for GC events. */
    public static JvmMeters register() {
        io.micrometer.core.instrument.MeterRegistry registry = Services.get(MeterRegistry.class)
                .unwrap(io.micrometer.core.instrument.MeterRegistry.class);
        JvmMeters meters = new JvmMeters();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        registerCpuTime(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        meters.gc.bindTo(registry);
        return meters;
    }

    /**
     * {@code process_cpu_seconds_total}, the name Prometheus client libraries use; Micrometer's ProcessorMetrics
     * would add {@code process_cpu_time_ns_total} and {@code system_cpu_count}, which fail promtool's naming lint.
     */
    private static void registerCpuTime(io.micrometer.core.instrument.MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu.seconds", os,
                                    bean -> bean.getProcessCpuTime() / (double) TimeUnit.SECONDS.toNanos(1))
                    .description("CPU time used by the Conduit process, in seconds")
                    .register(registry);
        }
    }

    @Override
    public void close() {
        gc.close();
    }
}
