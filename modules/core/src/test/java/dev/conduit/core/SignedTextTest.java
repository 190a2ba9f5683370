package dev.conduit.core;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

class SignedTextTest {
    private final SignedText signer = new SignedText("a secret of the replicas".getBytes());

    @Test
    void whatWasSignedVerifiesForItsPrincipal() {
        String signed = signer.sign("round-7:2", "key-a");
        assertThat(signed, startsWith("round-7:2."));
        assertThat(signer.verify(signed, "key-a"), is(Optional.of("round-7:2")));
        assertThat("another signer with the same secret (a replica)",
                   new SignedText("a secret of the replicas".getBytes()).verify(signed, "key-a"),
                   is(Optional.of("round-7:2")));
    }

    @Test
    void anotherPrincipalAnAlteredTextOrAnotherSecretFails() {
        String signed = signer.sign("round-7:2", "key-a");
        assertThat(signer.verify(signed, "key-b"), is(Optional.empty()));
        assertThat(signer.verify(signed.replace("round-7:2", "round-8:2"), "key-a"), is(Optional.empty()));
        assertThat(new SignedText("another secret".getBytes()).verify(signed, "key-a"), is(Optional.empty()));
    }

    @Test
    void malformedInputIsRefusedQuietly() {
        assertThat(signer.verify("", "key-a"), is(Optional.empty()));
        assertThat(signer.verify("no-signature", "key-a"), is(Optional.empty()));
        assertThat(signer.verify(".onlysignature", "key-a"), is(Optional.empty()));
        assertThat(signer.verify("text.not*base64!", "key-a"), is(Optional.empty()));
    }
}
