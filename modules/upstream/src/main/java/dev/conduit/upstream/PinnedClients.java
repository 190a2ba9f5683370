package dev.conduit.upstream;

import java.net.InetAddress;
import java.time.Duration;

import dev.conduit.policy.AddressPolicy;
import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.spi.DnsResolver;

/** WebClients that connect only to an address the outbound policy checked, and follow no redirect. */
final class PinnedClients {
    private PinnedClients() {
    }

    static WebClient create(AddressPolicy.Allowed target, Duration timeout) {
        return WebClient.builder()
                .dnsResolver(new PinnedResolver(target.host(), target.address()))
                .followRedirects(false)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .build();
    }

    /** Resolves the checked host to the checked address, and refuses every other host. */
    private record PinnedResolver(String host, InetAddress address) implements DnsResolver {
        @Override
        public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
            if (AddressPolicy.sameHost(hostname, host)) {
                return address;
            }
            throw new IllegalStateException("connection to " + hostname + " refused: only " + host + " was checked");
        }
    }
}
