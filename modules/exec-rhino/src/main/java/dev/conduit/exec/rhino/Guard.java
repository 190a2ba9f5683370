package dev.conduit.exec.rhino;

import java.lang.management.ManagementFactory;

import com.sun.management.ThreadMXBean;
import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ToolBridge;

/**
 * The limits of one execution, checked on the guest's own thread: Rhino has no asynchronous interrupt, so the
 * instruction observer, the tool bridge and console output call {@link #check()}, which throws {@link LimitStop}.
 * CPU time and allocated bytes are the thread's own (the gateway runs guests on platform threads); memory is an
 * allocation budget, as in the GraalVM engines.
 */
final class Guard {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long deadline;
    private final long cpuEnd;
    private final long allocationEnd;
    private final GuestOutput output;
    private final ToolBridge tools;

    Guard(ExecutionLimits limits, GuestOutput output, ToolBridge tools) {
        this.deadline = System.nanoTime() + limits.wallTime().toNanos();
        this.cpuEnd = saturatedAdd(THREADS.getCurrentThreadCpuTime(), limits.cpuTime().toNanos());
        this.allocationEnd = saturatedAdd(THREADS.getCurrentThreadAllocatedBytes(), limits.memoryBytes());
        this.output = output;
        this.tools = tools;
    }

    /** Throws {@link LimitStop} when a limit is crossed. */
    void check() {
        Limit crossed = null;
        if (tools.cancelled()) {
            crossed = Limit.CANCELLED;
        } else if (System.nanoTime() - deadline > 0) {
            crossed = Limit.WALL_TIME;
        } else if (THREADS.getCurrentThreadCpuTime() > cpuEnd) {
            crossed = Limit.CPU_TIME;
        } else if (THREADS.getCurrentThreadAllocatedBytes() > allocationEnd) {
            crossed = Limit.MEMORY;
        } else if (output.exceeded().isPresent()) {
            crossed = output.exceeded().get();
        } else if (tools.budgetExceeded()) {
            crossed = Limit.TOOL_CALLS;
        }
        if (crossed != null) {
            throw new LimitStop(crossed);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
