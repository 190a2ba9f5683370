package dev.conduit.ops;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * JVM and process meters under Prometheus naming ({@code jvm_memory_used_bytes}, {@code process_cpu_seconds_total},
 * {@code process_files_open_files}, ...), bound to the registry the ops socket exposes. Helidon's own system meters
 * are left out: their camelCase names and {@code _count} gauges fail {@code promtool check metrics}.
 * <p>
 * Every meter here is registered once, at start. Micrometer's {@code JvmGcMetrics} is not used: it registers timers
 * from the GC notification thread whenever a new collection kind shows up, taking Micrometer's registry lock and then
 * Helidon's, while a meter registered through Helidon's API takes them the other way round; the two deadlocked the
 * server at start (found in CI, reproduced with jstack). The collectors' counts and times are read instead.
 */
public final class JvmMeters implements AutoCloseable {

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
        registerCollectors(registry);
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

    /** {@code jvm_gc_collections_total} and {@code jvm_gc_collection_seconds_total} per collector. */
    private static void registerCollectors(io.micrometer.core.instrument.MeterRegistry registry) {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionCounter.builder("jvm.gc.collections", collector, GarbageCollectorMXBean::getCollectionCount)
                    .description("Collections the collector has run").tag("gc", collector.getName())
                    .register(registry);
            FunctionCounter.builder("jvm.gc.collection.seconds", collector,
                                    bean -> bean.getCollectionTime() / 1000.0)
                    .description("Time the collector has spent collecting, in seconds").tag("gc", collector.getName())
                    .register(registry);
        }
    }

    @Override
    public void close() {
        // Nothing listens for events any more.
    }
}
