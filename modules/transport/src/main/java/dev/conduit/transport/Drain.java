package dev.conduit.transport;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts requests in flight so that shutdown can stop admitting new ones and wait, up to a grace period, for the
 * ones already running to finish.
 */
final class Drain {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight;
    private boolean draining;

    /** Admits a request; false once draining has begun. */
    boolean enter() {
        lock.lock();
        try {
            if (draining) {
                return false;
            }
            inFlight++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Marks an admitted request finished. */
    void exit() {
        lock.lock();
        try {
            inFlight--;
            if (inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops admitting and waits until nothing is in flight or {@code grace} has passed; true if all finished. */
    boolean drain(Duration grace) throws InterruptedException {
        lock.lock();
        try {
            draining = true;
            long remaining = grace.toNanos();
            while (inFlight > 0 && remaining > 0) {
                remaining = idle.awaitNanos(remaining);
            }
            return inFlight == 0;
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }
}
