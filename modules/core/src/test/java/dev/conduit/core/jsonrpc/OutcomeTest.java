package dev.conduit.core.jsonrpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import dev.conduit.core.spi.ExecutionOutcome;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** The one table of outcomes: consistent in itself, with the metrics' documented labels, and with docs/errors.md. */
class OutcomeTest {
    private static final Set<String> REQUEST_LABELS = Set.of("ok", "invalid", "not_found", "refused", "busy",
                                                             "cancelled", "limit", "rate_limited", "error",
                                                             "timeout", "guest_error");

    @Test
    void everyCodeReadsBackAsAnOutcomeOfThatCode() {
        for (Outcome outcome : Outcome.values()) {
            if (outcome.code() != 0) {
                assertThat(outcome.name(), Outcome.ofCode(outcome.code()).code(), is(outcome.code()));
            }
        }
        assertThat(Outcome.ofCode(-32000), is(Outcome.BUSY));
        assertThat(Outcome.ofCode(-32099), is(Outcome.INTERNAL_ERROR));
    }

    @Test
    void transportRefusalsAreNotBusyButKeepTheSdksCode() {
        for (Outcome refusal : Set.of(Outcome.UNSUPPORTED_MEDIA_TYPE, Outcome.NOT_ACCEPTABLE, Outcome.METHOD_NOT_ALLOWED,
                                      Outcome.BAD_REQUEST, Outcome.SESSION_NOT_FOUND, Outcome.STREAM_CONFLICT)) {
            assertThat(refusal.name(), refusal.code(), is(ErrorCodes.SERVER_BUSY));
            assertThat(refusal.name(), refusal.label(), is("refused"));
            assertThat(refusal.name(), refusal.httpStatus(), greaterThanOrEqualTo(400));
        }
        assertThat(Outcome.BUSY.httpStatus(), is(503));
        assertThat(Outcome.RATE_LIMITED.httpStatus(), is(429));
    }

    @Test
    void everyLimitHasItsOwnCodeAndTheRequestMetricGroupsThem() {
        for (ExecutionOutcome.Limit limit : ExecutionOutcome.Limit.values()) {
            Outcome outcome = Outcome.of(limit);
            assertThat(limit.name(), outcome.code(), not(0));
            assertThat(limit.name(), outcome.requestLabel(),
                       is(limit == ExecutionOutcome.Limit.CANCELLED ? "cancelled" : "limit"));
        }
        assertThat(Arrays.stream(Outcome.values()).map(Outcome::requestLabel).collect(Collectors.toSet()),
                   everyItem(in(REQUEST_LABELS)));
    }

    @Test
    void theProgramsTraceWordsAreTheAuditedOnes() {
        assertThat(Arrays.stream(Outcome.values()).map(Outcome::traceWord).collect(Collectors.toSet()),
                   is(Set.of("ok", "error", "refused", "budget", "rate_limited", "cancelled")));
    }

    @Test
    void docsErrorsListsEveryCodeAndStatus() throws IOException {
        String docs = Files.readString(Path.of("../../docs/errors.md"));
        for (Outcome outcome : Outcome.values()) {
            if (outcome.code() != 0) {
                assertThat(outcome.name(), docs, containsString("| " + outcome.code() + " |"));
            }
            if (outcome.httpStatus() != 200) {
                assertThat(outcome.name(), docs, containsString("| " + outcome.httpStatus() + " |"));
            }
        }
    }
}
