package dev.conduit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A request's cancellation and the parts of its work cancelled on their own ({@link Cancellation#child()}): an
 * execution's tool calls are cancelled when the program ends, and with the request, never the other way round.
 */
class CancellationTest {
    @Test
    void aChildIsCancelledWithItsRequestForTheSameReason() {
        Cancellation request = new Cancellation();
        Cancellation calls = request.child();
        List<String> told = new ArrayList<>();
        calls.onCancel(() -> told.add(calls.reason().orElseThrow()));
        request.cancel("cancelled by the client");
        assertThat(calls.cancelled(), is(true));
        assertThat(told, is(List.of("cancelled by the client")));
    }

    @Test
    void aChildCancelledAloneLeavesItsRequestRunning() {
        Cancellation request = new Cancellation();
        Cancellation calls = request.child();
        calls.cancel("the program ended before the call answered");
        assertThat(request.cancelled(), is(false));
        assertThat(calls.reason(), is(Optional.of("the program ended before the call answered")));
        request.cancel("later");
        assertThat("its first reason stays", calls.reason(), is(Optional.of("the program ended before the call answered")));
    }

    @Test
    void aChildOfACancelledRequestIsBornCancelled() {
        Cancellation request = new Cancellation();
        request.cancel(Cancellation.SHUTDOWN);
        assertThat(request.child().reason(), is(Optional.of(Cancellation.SHUTDOWN)));
    }

    @Test
    void aChildIsWithinItsRequestAndItsOwnAncestorsOnly() {
        Cancellation request = new Cancellation();
        Cancellation calls = request.child();
        Cancellation nested = calls.child();
        assertThat(calls.within(request), is(true));
        assertThat(nested.within(request), is(true));
        assertThat(request.within(request), is(true));
        assertThat(request.within(calls), is(false));
        assertThat(calls.within(new Cancellation()), is(false));
    }
}
