package dev.conduit.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.conduit.auth.AuthConfig;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SocketTransportTest {
    private static final McpEndpoint SILENT = (message, context) -> Optional.empty();
    private static final Authenticator OPEN = Authenticator.create(new AuthConfig(false, List.of()));

    @TempDir
    Path dir;

    @Test
    void aLiveSocketIsNeverTakenOverAndCloseRemovesTheFile() throws IOException {
        SocketTransportConfig config = new SocketTransportConfig(dir.resolve("a.sock"), 4, 1024);
        try (SocketTransport first = SocketTransport.start(config, SILENT, OPEN)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                                                          () -> SocketTransport.start(config, SILENT, OPEN));
            assertThat(refused.getMessage(), containsString("in use by a running server"));
            assertThat(Files.exists(first.path()), is(true));
        }
        assertThat(Files.exists(config.path()), is(false));
    }

    @Test
    void somethingThatIsNotASocketIsNeverDeleted() throws IOException {
        Path file = Files.writeString(dir.resolve("precious.txt"), "keep me");
        SocketTransportConfig config = new SocketTransportConfig(file, 4, 1024);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                                                      () -> SocketTransport.start(config, SILENT, OPEN));
        assertThat(refused.getMessage(), containsString("is not a socket"));
        assertThat(Files.readString(file), is("keep me"));
    }
}
