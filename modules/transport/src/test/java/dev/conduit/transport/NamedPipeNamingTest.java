package dev.conduit.transport;

import dev.conduit.core.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The parts of the named-pipe server that do not need Windows: naming and the security descriptor. */
class NamedPipeNamingTest {

    @Test
    void pipePathsAreRecognisedAndValidated() {
        assertThat(PipeName.isPipe("\\\\.\\pipe\\conduit"), is(true));
        assertThat(PipeName.isPipe("\\\\.\\PIPE\\conduit"), is(true));
        assertThat(PipeName.isPipe("/run/conduit.sock"), is(false));
        assertThat(PipeName.parse("\\\\.\\PIPE\\conduit-1").path(), is("\\\\.\\pipe\\conduit-1"));
        for (String bad : new String[] {"\\\\.\\pipe\\", "\\\\.\\pipe\\a\\b", "\\\\server\\pipe\\x",
                                        "\\\\.\\pipe\\" + "x".repeat(250)}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PipeName.parse(bad));
            assertThat(e.getMessage(), containsString("transports.socket.path"));
        }
    }

    @Test
    void theDescriptorAdmitsOnlyTheUserAndNoNetworkLogon() {
        String sddl = PipeSecurity.ownerOnly("S-1-5-21-1004336348-1177238915-682003330-1001");
        assertThat(sddl, is("D:P(D;;GA;;;NU)(A;;GA;;;S-1-5-21-1004336348-1177238915-682003330-1001)"));
        // A SID is inserted into the descriptor, so nothing else may pass for one.
        assertThrows(IllegalArgumentException.class, () -> PipeSecurity.ownerOnly("S-1-1-0)(A;;GA;;;WD"));
        assertThrows(IllegalArgumentException.class, () -> PipeSecurity.ownerOnly("WD"));
    }
}
