package dev.conduit.exec.graal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** Used contexts close off the caller's thread, several at once, and no more than the bound wait. */
class ContextCloserTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch twoClosing = new CountDownLatch(2);
    private final List<String> closedBy = new CopyOnWriteArrayList<>();
    private final ContextCloser<String> closer = new ContextCloser<>("test-closer-", 2, 3, used -> {
        closedBy.add(used + "@" + Thread.currentThread().getName());
        if (!Thread.currentThread().getName().equals("caller")) {
            twoClosing.countDown();
            try {
                release.await(30, TimeUnit.SECONDS); // a slow close: a GraalPy context joining its threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    });

    @Test
    void pastTheBoundTheCallerClosesItsOwnAndIdleWaitsForTheRest() throws Exception {
        Thread caller = Thread.ofPlatform().name("caller").start(() -> {
            for (String used : List.of("a", "b", "c", "d")) {
                closer.close(used);
            }
        });
        caller.join(Duration.ofSeconds(30));
        assertThat("two close at once", twoClosing.await(30, TimeUnit.SECONDS), is(true));
        assertThat("the fourth found three waiting and closed itself", closedBy.contains("d@caller"), is(true));
        assertThat(closer.idle().isDone(), is(false));
        release.countDown();
        closer.idle().get(30, TimeUnit.SECONDS);
        assertThat(closedBy.stream().map(entry -> entry.substring(0, 1)).toList(),
                   containsInAnyOrder("a", "b", "c", "d"));
        closedBy.stream().filter(entry -> !entry.startsWith("d"))
                .forEach(entry -> assertThat(entry.substring(2), startsWith("test-closer-")));
        assertThat(closer.shutdown(Duration.ofSeconds(30)), is(true));
    }

    @Test
    void afterShutdownTheCallerCloses() throws Exception {
        release.countDown();
        assertThat(closer.shutdown(Duration.ofSeconds(30)), is(true));
        closer.close("late");
        assertThat(closedBy.getFirst(), startsWith("late@main"));
    }
}
