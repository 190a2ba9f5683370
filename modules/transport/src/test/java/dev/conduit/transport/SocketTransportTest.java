package dev.conduit.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.conduit.auth.AuthConfig;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A broken cap would leave a read waiting: the timeout turns that into a failure. */
@Timeout(30)
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
    void connectionsBeyondTheCapAreClosedAndTheFirstStillWorks() throws IOException {
        McpEndpoint pong = (message, context) -> message instanceof JsonRpcRequest request
                ? Optional.of(JsonRpcResponse.success(request.id(), Json.object())) : Optional.empty();
        SocketTransportConfig config = new SocketTransportConfig(dir.resolve("cap.sock"), 1, 1024);
        try (SocketTransport transport = SocketTransport.start(config, pong, OPEN);
             SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(transport.path()))) {
            BufferedReader firstIn = reader(first);
            ping(first);
            // Answered, so the server has accepted it and holds the only slot.
            assertThat(firstIn.readLine(), containsString("\"id\":1"));
            try (SocketChannel second = SocketChannel.open(UnixDomainSocketAddress.of(config.path()))) {
                assertThat(reader(second).readLine(), is(nullValue()));
            }
            ping(first);
            assertThat(firstIn.readLine(), containsString("\"id\":1"));
        }
    }

    private static void ping(SocketChannel channel) throws IOException {
        channel.write(ByteBuffer.wrap("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
                                              .getBytes(StandardCharsets.UTF_8)));
    }

    private static BufferedReader reader(SocketChannel channel) {
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    @Test
    void shutdownAnswersWhatIsInFlightAndReadsNothingMore() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        McpEndpoint slow = (message, context) -> {
            if (!(message instanceof JsonRpcRequest request)) {
                return Optional.empty();
            }
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(JsonRpcResponse.success(request.id(), Json.object().put("done", true)));
        };
        SocketTransportConfig config = new SocketTransportConfig(dir.resolve("drain.sock"), 4, 1024);
        SocketTransport transport = SocketTransport.start(config, slow, OPEN);
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(transport.path()))) {
            BufferedReader in = reader(client);
            ping(client);
            assertThat(entered.await(20, TimeUnit.SECONDS), is(true));
            // The request is answered only after the drain has stopped reading: the answer must still arrive.
            transport.connections().draining().thenRun(release::countDown);
            transport.shutdown(Duration.ofSeconds(20));
            assertThat(in.readLine(), containsString("\"done\":true"));
            assertThat(in.readLine(), is(nullValue()));
            assertThat(Files.exists(transport.path()), is(false));
        }
    }

    @Test
    void aNamedPipeOffWindowsFailsTheStartWithAReason() {
        SocketTransportConfig config = new SocketTransportConfig("\\\\.\\pipe\\conduit", 4, 1024);
        assertThat(config.pipe().orElseThrow().path(), is("\\\\.\\pipe\\conduit"));
        if (!System.getProperty("os.name").startsWith("Windows")) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                                                         () -> LocalListener.start(config, SILENT, OPEN));
            assertThat(refused.getMessage(), containsString("this is not Windows"));
        }
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
