package dev.conduit.core.exec;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GuestDigestTest {

    @Test
    void digestsBytesGivenOneCharacterEach() {
        assertThat(GuestDigest.hex("SHA-256", "abc"),
                   is("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        assertThat(GuestDigest.hex("SHA-1", ""), is("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        // Byte 0xff is the character U+00FF, not its UTF-8 encoding.
        assertThat(GuestDigest.hex("SHA-256", "\u00ff"),
                   is("a8100ae6aa1940d0b663bb31cd466142ebbdbd5187131b92d93818987832eb89"));
    }

    @Test
    void otherAlgorithmsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GuestDigest.hex("MD5", "abc"));
    }
}
