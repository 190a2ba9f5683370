package dev.conduit.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which outbound addresses Conduit may connect to (SSRF protection). A URL is checked by resolving its host and
 * looking at <em>every</em> address: one that is not public (loopback, private, link-local with cloud metadata,
 * CGNAT, multicast, reserved, unique-local, IPv4 hidden in IPv6, NAT64, 6to4 or Teredo, unspecified) refuses the URL,
 * unless the allow-list admits it by CIDR or the host by name. The caller then connects to the address that was
 * checked ({@link Allowed#address()}), never looking the name up again, so DNS rebinding between check and connect
 * changes nothing. Immutable and thread-safe.
 */
public final class AddressPolicy {
    private static final Pattern NUMERIC_HOST = Pattern.compile(
            "(0x[0-9a-f]*|[0-9])[0-9a-fx.]*");
    private static final Pattern CANONICAL_IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final List<Cidr> allowedNetworks;
    private final Set<String> allowedHosts;
    private final HostResolver resolver;

    /** Looks host names up; the system resolver in production, a table in tests. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The outcome of a check. */
    public sealed interface Decision permits Allowed, Refused {
    }

    /**
     * The URL may be used.
     *
     * @param host    the host name as written in the URL (for TLS and the Host header)
     * @param address the address to connect to
     */
    public record Allowed(String host, InetAddress address) implements Decision {
    }

    /**
     * The URL is refused.
     *
     * @param reason why, naming the address class (safe to show: it holds only what the URL itself says)
     */
    public record Refused(String reason) implements Decision {
    }

    private AddressPolicy(List<String> allow, HostResolver resolver) {
        List<Cidr> networks = new ArrayList<>();
        Set<String> hosts = new HashSet<>();
        for (String entry : allow) {
            String value = entry.trim();
            Optional<Cidr> cidr = Cidr.parse(value);
            if (cidr.isPresent()) {
                networks.add(cidr.get());
            } else {
                hosts.add(normalize(value));
            }
        }
        this.allowedNetworks = List.copyOf(networks);
        this.allowedHosts = Set.copyOf(hosts);
        this.resolver = resolver;
    }

    /**
     * A policy admitting, besides public addresses, the entries of {@code allow}: CIDRs ({@code 10.1.0.0/16},
     * {@code fd00::/8}), single addresses ({@code 127.0.0.1}) or host names ({@code mcp.internal}).
     */
    public static AddressPolicy of(List<String> allow) {
        return new AddressPolicy(Objects.requireNonNull(allow), InetAddress::getAllByName);
    }

    /** The same, with {@code resolver} looking names up. */
    public static AddressPolicy of(List<String> allow, HostResolver resolver) {
        return new AddressPolicy(Objects.requireNonNull(allow), Objects.requireNonNull(resolver));
    }

    /** Checks {@code url}: an http or https URL whose every address is public or allow-listed. */
    public Decision check(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return new Refused("only http and https URLs are allowed, not '" + scheme + "'");
        }
        if (url.getRawUserInfo() != null) {
            return new Refused("URLs with user information are not allowed");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return new Refused("the URL has no host");
        }
        String host = normalize(url.getHost());
        if (NUMERIC_HOST.matcher(host).matches() && !CANONICAL_IPV4.matcher(host).matches()) {
            // 127.1, 2130706433, 0177.0.0.1, 0x7f.1: read differently by different parsers, so never trusted.
            return new Refused("host " + host + " is an ambiguous IPv4 literal; write it as four decimal numbers");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return new Refused("host " + host + " cannot be resolved");
        }
        if (addresses.length == 0) {
            return new Refused("host " + host + " cannot be resolved");
        }
        if (!allowedHosts.contains(host)) {
            for (InetAddress address : addresses) {
                Optional<String> kind = nonPublic(address);
                if (kind.isPresent() && allowedNetworks.stream().noneMatch(network -> network.contains(address))) {
                    String article = "aeiouAEIOU".indexOf(kind.get().charAt(0)) >= 0 ? "an " : "a ";
                    return new Refused("host " + host + " resolves to " + address.getHostAddress() + ", " + article
                                       + kind.get() + " address; add it to policy.outbound.allow to permit it");
                }
            }
        }
        return new Allowed(host, addresses[0]);
    }

    /** Why {@code address} is not a public address, or empty when it is. */
    public static Optional<String> nonPublic(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return nonPublicV4(v4.getAddress());
        }
        byte[] b = address.getAddress();
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return Optional.of("IPv4-mapped");
        }
        if (address instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
            return Optional.of("IPv4-compatible");
        }
        if (isZero(b, 0, 12)) {
            return Optional.of("reserved IPv6");
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return Optional.of("NAT64");
        }
        if (first == 0x20 && second == 0x02) {
            return Optional.of("6to4");
        }
        if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
            return Optional.of("Teredo");
        }
        if (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return Optional.of("documentation");
        }
        if (first == 0x01 && second == 0x00 && isZero(b, 2, 8)) {
            return Optional.of("discard-only");
        }
        if ((first & 0xfe) == 0xfc) {
            return Optional.of("unique-local");
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Optional.of("link-local");
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return Optional.of("site-local");
        }
        if (first == 0xff) {
            return Optional.of("multicast");
        }
        return Optional.empty();
    }

    private static Optional<String> nonPublicV4(byte[] b) {
        int a = b[0] & 0xff;
        int c = b[1] & 0xff;
        int third = b[2] & 0xff;
        if (a == 0) {
            return Optional.of("unspecified (0.0.0.0/8)");
        }
        if (a == 10 || (a == 172 && c >= 16 && c <= 31) || (a == 192 && c == 168)) {
            return Optional.of("private (RFC 1918)");
        }
        if (a == 127) {
            return Optional.of("loopback");
        }
        if (a == 169 && c == 254) {
            return Optional.of("link-local (cloud metadata)");
        }
        if (a == 100 && (c & 0xc0) == 64) {
            return Optional.of("carrier-grade NAT (100.64.0.0/10)");
        }
        if (a == 192 && c == 0 && (third == 0 || third == 2)) {
            return Optional.of("reserved (192.0.0.0/24, 192.0.2.0/24)");
        }
        if (a == 192 && c == 88 && third == 99) {
            return Optional.of("6to4 relay");
        }
        if (a == 198 && (c == 18 || c == 19)) {
            return Optional.of("benchmarking (198.18.0.0/15)");
        }
        if ((a == 198 && c == 51 && third == 100) || (a == 203 && c == 0 && third == 113)) {
            return Optional.of("documentation");
        }
        if (a >= 224 && a <= 239) {
            return Optional.of("multicast");
        }
        if (a >= 240) {
            return Optional.of(a == 255 && c == 255 && third == 255 && (b[3] & 0xff) == 255 ? "broadcast" : "reserved");
        }
        return Optional.empty();
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether two host names are the same once normalized (case, IPv6 brackets, trailing dots). */
    public static boolean sameHost(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    /** Lower case, without IPv6 brackets or trailing dots ({@code localhost.} is {@code localhost}). */
    static String normalize(String host) {
        String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        while (value.endsWith(".")) {
            value = value.substring(0, value.length() - 1);
        }
        return value;
    }

    /** A network in CIDR notation. */
    record Cidr(byte[] network, int prefix) {
        static Optional<Cidr> parse(String value) {
            String address = value;
            int prefix = -1;
            int slash = value.indexOf('/');
            if (slash >= 0) {
                address = value.substring(0, slash);
                try {
                    prefix = Integer.parseInt(value.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
            if (!looksLikeAddress(address)) {
                return Optional.empty();
            }
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int bits = bytes.length * 8;
                if (prefix < 0) {
                    prefix = bits;
                }
                if (prefix > bits) {
                    return Optional.empty();
                }
                return Optional.of(new Cidr(bytes, prefix));
            } catch (UnknownHostException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        private static boolean looksLikeAddress(String value) {
            return value.contains(":") || value.matches("[0-9.]+");
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }
}
