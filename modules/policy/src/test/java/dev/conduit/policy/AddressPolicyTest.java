package dev.conduit.policy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

/** SSRF: hostile URLs are refused, public and allow-listed ones pass, and the checked address is the one to use. */
class AddressPolicyTest {
    /** Names that resolve to private addresses, as a hostile DNS would answer; everything else is a literal. */
    private static final Map<String, String[]> DNS = Map.of(
            "internal.example", new String[] {"10.0.0.5"},
            "metadata.example", new String[] {"169.254.169.254"},
            "rebind.example", new String[] {"93.184.216.34", "127.0.0.1"},
            "v6private.example", new String[] {"fd12::1"},
            "localhost", new String[] {"127.0.0.1", "::1"},
            "public.example", new String[] {"93.184.216.34"},
            "mcp.internal", new String[] {"10.1.2.3"});

    private static final AddressPolicy.HostResolver RESOLVER = host -> {
        String[] answers = DNS.get(host);
        if (answers != null) {
            InetAddress[] addresses = new InetAddress[answers.length];
            for (int i = 0; i < answers.length; i++) {
                addresses[i] = InetAddress.getByName(answers[i]);
            }
            return addresses;
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return InetAddress.getAllByName(host);
        }
        throw new UnknownHostException(host);
    };

    private final AddressPolicy policy = AddressPolicy.of(List.of(), RESOLVER);

    /** Each hostile URL with why it is refused: a table that passes only for the reason it names. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1/mcp | a loopback address",
            "http://127.1/ | the URL has no host",
            "http://127.255.255.254:8080/ | a loopback address",
            "http://2130706433/ | host 2130706433 is an ambiguous IPv4 literal; write it as four decimal numbers",
            "http://0x7f000001/ | host 0x7f000001 is an ambiguous IPv4 literal; write it as four decimal numbers",
            "http://0177.0.0.1/ | host 0177.0.0.1 is an ambiguous IPv4 literal; write it as four decimal numbers",
            "http://017700000001/ | host 017700000001 is an ambiguous IPv4 literal; write it as four decimal numbers",
            "http://0.0.0.0/ | an unspecified (0.0.0.0/8) address",
            "http://0/ | host 0 is an ambiguous IPv4 literal; write it as four decimal numbers",
            "http://localhost/ | a loopback address",
            "http://localhost./ | a loopback address",
            "http://LOCALHOST:9090/observe/metrics | a loopback address",
            "http://[::1]/ | a loopback address",
            "http://[::]/ | an unspecified address",
            "http://[::ffff:127.0.0.1]/ | a loopback address",
            "http://[0:0:0:0:0:ffff:7f00:1]/ | a loopback address",
            "http://[::ffff:a9fe:a9fe]/latest/meta-data | a link-local (cloud metadata) address",
            "http://[::7f00:1]/ | an IPv4-compatible address",
            "http://[64:ff9b::7f00:1]/ | a NAT64 address",
            "http://[2002:7f00:1::]/ | a 6to4 address",
            "http://[2001:0::1]/ | a Teredo address",
            "http://[fe80::1]/ | a link-local address",
            "http://[fd00::1]/ | an unique-local address",
            "http://[fc00::1]/ | an unique-local address",
            "http://[ff02::1]/ | a multicast address",
            "http://169.254.169.254/latest/meta-data/ | a link-local (cloud metadata) address",
            "http://10.0.0.1/ | a private (RFC 1918) address",
            "http://172.16.0.1/ | a private (RFC 1918) address",
            "http://172.31.255.255/ | a private (RFC 1918) address",
            "http://192.168.1.1/ | a private (RFC 1918) address",
            "http://100.64.0.1/ | a carrier-grade NAT (100.64.0.0/10) address",
            "http://198.18.0.1/ | a benchmarking (198.18.0.0/15) address",
            "http://224.0.0.1/ | a multicast address",
            "http://239.255.255.250/ | a multicast address",
            "http://240.0.0.1/ | a reserved address",
            "http://255.255.255.255/ | a broadcast address",
            "http://192.0.2.1/ | a reserved (192.0.0.0/24, 192.0.2.0/24) address",
            "http://internal.example/ | a private (RFC 1918) address",
            "http://metadata.example/ | a link-local (cloud metadata) address",
            "http://rebind.example/ | a loopback address",
            "http://v6private.example/ | an unique-local address",
            "http://unresolvable.example/ | host unresolvable.example cannot be resolved",
            "http://user:pass@public.example/ | URLs with user information are not allowed",
            "file:///etc/passwd | only http and https URLs are allowed",
            "gopher://127.0.0.1:25/ | only http and https URLs are allowed",
            "ftp://public.example/ | only http and https URLs are allowed"})
    void hostileUrlsAreRefusedForTheirReason(String url, String reason) {
        AddressPolicy.Decision decision = policy.check(URI.create(url));
        assertThat(url, decision, instanceOf(AddressPolicy.Refused.class));
        assertThat(url, ((AddressPolicy.Refused) decision).reason(), containsString(reason));
    }

    @Test
    void publicAddressesPassAndThePinnedAddressIsTheCheckedOne() throws Exception {
        AddressPolicy.Decision decision = policy.check(URI.create("https://public.example/mcp"));
        AddressPolicy.Allowed allowed = (AddressPolicy.Allowed) decision;
        assertThat(allowed.host(), is("public.example"));
        assertThat(allowed.address(), is(InetAddress.getByName("93.184.216.34")));
        assertThat(policy.check(URI.create("http://93.184.216.34:8080/")), instanceOf(AddressPolicy.Allowed.class));
        assertThat(policy.check(URI.create("http://[2606:4700::1111]/")), instanceOf(AddressPolicy.Allowed.class));
    }

    @Test
    void allowListAdmitsByCidrAddressOrName() {
        AddressPolicy allowing = AddressPolicy.of(List.of("127.0.0.1", "10.0.0.0/8", "mcp.internal", "fd00::/8"),
                                                  RESOLVER);
        assertThat(allowing.check(URI.create("http://127.0.0.1:3001/mcp")), instanceOf(AddressPolicy.Allowed.class));
        assertThat(allowing.check(URI.create("http://internal.example/")), instanceOf(AddressPolicy.Allowed.class));
        assertThat(allowing.check(URI.create("http://mcp.internal/")), instanceOf(AddressPolicy.Allowed.class));
        assertThat(allowing.check(URI.create("http://v6private.example/")), instanceOf(AddressPolicy.Allowed.class));
        assertThat(allowing.check(URI.create("http://127.0.0.2/")), instanceOf(AddressPolicy.Refused.class));
        assertThat(allowing.check(URI.create("http://169.254.169.254/")), instanceOf(AddressPolicy.Refused.class));
        // localhost resolves to ::1 as well, which the list does not admit.
        assertThat(allowing.check(URI.create("http://localhost/")), instanceOf(AddressPolicy.Refused.class));
    }

    @Test
    void refusalSaysWhichClassOfAddress() {
        AddressPolicy.Refused refused = (AddressPolicy.Refused) policy.check(URI.create("http://metadata.example/"));
        assertThat(refused.reason(), containsString("169.254.169.254"));
        assertThat(refused.reason(), containsString("link-local"));
        assertThat(refused.reason(), containsString("policy.outbound.allow"));
    }
}
