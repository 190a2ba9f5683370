package dev.conduit.gateway;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Which URIs a resource template claims when a read is routed to its upstream. */
class PassThroughMethodsTest {
    @Test
    void aSimpleExpressionStandsForOneSegment() {
        assertThat(PassThroughMethods.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/text/42"),
                   is(true));
        assertThat(PassThroughMethods.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/text/4/2"),
                   is(false));
        assertThat(PassThroughMethods.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/blob/42"),
                   is(false));
    }

    @Test
    void reservedAndQueryExpressionsStandForAnything() {
        assertThat(PassThroughMethods.matches("file:///{+path}", "file:///home/a/b.txt"), is(true));
        assertThat(PassThroughMethods.matches("search://items{?q,limit}", "search://items?q=x&limit=2"), is(true));
    }

    @Test
    void literalPartsAreLiteral() {
        assertThat(PassThroughMethods.matches("a.b://x/{id}", "aXb://x/1"), is(false));
        assertThat(PassThroughMethods.matches("", ""), is(false));
    }
}
