package dev.conduit.exec.rhino;

import java.lang.management.ManagementFactory;

import com.sun.management.ThreadMXBean;
import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.exec.LiveHeap;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ToolBridge;

/**
 * The limits of one execution, checked on the guest's own thread: Rhino has no asynchronous interrupt, so the
 * instruction observer, the tool bridge and console output call {@link #check()}, which throws {@link LimitStop}.
 * CPU time is the thread's own (the gateway runs guests on platform threads); memory is what the program holds, as
 * {@link LiveHeap} measures it for the GraalVM engines too.
 */
final class Guard implements AutoCloseable {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long deadline;
    private final long cpuEnd;
    private final LiveHeap.Share heap;
    private final GuestOutput output;
    private final ToolBridge tools;
    /** How many checks were made: the costlier ones come at every {@value #CLOCKED_EVERY}th. Guest thread only. */
    private int checks;
    static final int CLOCKED_EVERY = 10;

    Guard(ExecutionLimits limits, GuestOutput output, ToolBridge tools) {
        this.deadline = System.nanoTime() + limits.wallTime().toNanos();
        this.cpuEnd = saturatedAdd(THREADS.getCurrentThreadCpuTime(), limits.cpuTime().toNanos());
        this.heap = LiveHeap.shared().track(Thread.currentThread(), limits.memoryBytes());
        this.output = output;
        this.tools = tools;
    }

    /**
     * Throws {@link LimitStop} when a limit is crossed. The flags and the clock are read at every check; the thread's
     * CPU time and allocation (microseconds to ask for) at every {@value #CLOCKED_EVERY}th: checks come often, since a
     * call to a built-in counts as one instruction however much it allocates (a memory bomb stopped by the heap's
     * measurer would otherwise go on for hundreds of MB before it saw its stop).
     */
    void check() {
        boolean clocked = ++checks % CLOCKED_EVERY == 0;
        if (clocked) {
            heap.pollOnItsThread(); // its walks too, made here while the program waits
        }
        Limit crossed = null;
        if (tools.cancelled()) {
            crossed = Limit.CANCELLED;
        } else if (System.nanoTime() - deadline > 0) {
            crossed = Limit.WALL_TIME;
        } else if (clocked && THREADS.getCurrentThreadCpuTime() > cpuEnd) {
            crossed = Limit.CPU_TIME;
        } else if (heap.exceeded()) {
            crossed = Limit.MEMORY;
        } else if (output.exceeded().isPresent()) {
            crossed = output.exceeded().get();
        } else if (tools.budgetExceeded()) {
            crossed = Limit.TOOL_CALLS;
        }
        if (crossed != null) {
            if (crossed != Limit.MEMORY) {
                heap.stopped();
            }
            throw new LimitStop(crossed);
        }
    }

    /** The program's claim on the heap: what is left of its cap, for the guest's buffer check. */
    LiveHeap.Share heap() {
        return heap;
    }

    /** Ends the memory measurement; called when the program is over. */
    @Override
    public void close() {
        heap.close();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
