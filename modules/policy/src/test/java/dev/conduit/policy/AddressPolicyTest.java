package dev.conduit.policy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/mcp",
            "http://127.1/",
            "http://127.255.255.254:8080/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://017700000001/",
            "http://0.0.0.0/",
            "http://0/",
            "http://localhost/",
            "http://localhost./",
            "http://LOCALHOST:9090/observe/metrics",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[0:0:0:0:0:ffff:7f00:1]/",
            "http://[::ffff:a9fe:a9fe]/latest/meta-data",
            "http://[::7f00:1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::]/",
            "http://[2001:0::1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://[fc00::1]/",
            "http://[ff02::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://198.18.0.1/",
            "http://224.0.0.1/",
            "http://239.255.255.250/",
            "http://240.0.0.1/",
            "http://255.255.255.255/",
            "http://192.0.2.1/",
            "http://internal.example/",
            "http://metadata.example/",
            "http://rebind.example/",
            "http://v6private.example/",
            "http://unresolvable.example/",
            "http://user:pass@public.example/",
            "file:///etc/passwd",
            "gopher://127.0.0.1:25/",
            "ftp://public.example/",
    })
    void hostileUrlsAreRefused(String url) {
        assertThat(url, policy.check(URI.create(url)), instanceOf(AddressPolicy.Refused.class));
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
