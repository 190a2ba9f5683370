package dev.conduit.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.conduit.core.spi.ToolBridge;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * Which calls a program's engine makes on the guest's own thread and which it starts to overlap: only a call awaited
 * alone, with nothing else out and no timer, is made on the spot; every other begins on the bridge's threads, and
 * each answer comes back under its own number.
 */
class GuestCallsTest {

    /** Records how each call was made; started calls answer when the test completes them. */
    private static final class Bridge implements ToolBridge {
        final List<String> made = new ArrayList<>();
        final List<CompletableFuture<String>> started = new ArrayList<>();

        @Override
        public String call(String tool, String argumentsJson) {
            made.add("here " + tool);
            return "{\"value\":\"" + tool + "\"}";
        }

        @Override
        public CompletableFuture<String> start(String tool, String argumentsJson) {
            made.add("started " + tool);
            CompletableFuture<String> answer = new CompletableFuture<>();
            started.add(answer);
            return answer;
        }

        @Override
        public String manifestJson() {
            return "[]";
        }

        @Override
        public String discoverJson(String optionsJson) {
            return "[]";
        }

        @Override
        public boolean budgetExceeded() {
            return false;
        }
    }

    @Test
    void aCallAwaitedAloneIsMadeOnTheGuestsThread() {
        Bridge bridge = new Bridge();
        GuestCalls calls = new GuestCalls(bridge);
        long number = calls.start("a", "{}");
        assertThat(calls.answered(true), is(number + " {\"value\":\"a\"}"));
        assertThat(calls.answered(true), nullValue());
        assertThat(bridge.made, is(List.of("here a")));
    }

    @Test
    void callsMadeTogetherAreStartedAndAnswerUnderTheirNumbers() {
        Bridge bridge = new Bridge();
        GuestCalls calls = new GuestCalls(bridge);
        long first = calls.start("a", "{}");
        long second = calls.start("b", "{}");
        assertThat(calls.answered(true), nullValue());
        assertThat(bridge.made, is(List.of("started a", "started b")));
        bridge.started.get(1).complete("{\"value\":2}");
        assertThat(calls.answered(true), is(second + " {\"value\":2}"));
        assertThat(calls.answered(true), nullValue());
        bridge.started.get(0).completeExceptionally(new IllegalStateException("lost"));
        assertThat(calls.answered(true), is(first + " {\"error\":{\"code\":-32603,\"message\":\"The tool call failed in "
                                            + "the gateway\"}}"));
    }

    @Test
    void aCallBesideOneOutOrATimerIsStarted() {
        Bridge bridge = new Bridge();
        GuestCalls calls = new GuestCalls(bridge);
        calls.start("a", "{}");
        calls.start("b", "{}");
        calls.answered(true);
        calls.start("c", "{}"); // a and b are still out
        calls.answered(true);
        calls.start("d", "{}");
        calls.answered(false); // the program also waits for a timer
        assertThat(bridge.made, containsInAnyOrder("started a", "started b", "started c", "started d"));
        bridge.started.forEach(answer -> answer.complete("{\"value\":0}"));
        assertThat(calls.answered(false), is("1 {\"value\":0}\n2 {\"value\":0}\n3 {\"value\":0}\n4 {\"value\":0}"));
        calls.start("e", "{}"); // nothing out any more: alone again
        assertThat(calls.answered(true), is("5 {\"value\":\"e\"}"));
    }
}
