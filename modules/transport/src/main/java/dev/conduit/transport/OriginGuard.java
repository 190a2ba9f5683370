package dev.conduit.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * DNS-rebinding protection: the {@code Host} header must name this server (a loopback name, the bound host or a
 * configured one) and an {@code Origin}, when present, must be such a host or an origin configured exactly.
 * A page on a foreign site whose name was re-pointed at this machine therefore cannot reach the endpoint.
 */
final class OriginGuard {
    private final Set<String> hosts = new HashSet<>();
    private final Set<String> origins = new HashSet<>();

    OriginGuard(String boundHost, List<String> allowedHosts, List<String> allowedOrigins) {
        hosts.addAll(List.of("localhost", "127.0.0.1", "::1"));
        String bound = normalizeHost(boundHost);
        if (!bound.isEmpty() && !bound.equals("0.0.0.0") && !bound.equals("::")) {
            hosts.add(bound);
        }
        allowedHosts.forEach(host -> hosts.add(normalizeHost(host)));
        allowedOrigins.forEach(origin -> origins.add(origin.toLowerCase(Locale.ROOT)));
    }

    /** Why the request must be refused, or empty when its Host and Origin are acceptable. */
    Optional<String> check(Optional<String> host, Optional<String> origin) {
        if (host.isEmpty() || !hosts.contains(hostName(host.get()))) {
            return Optional.of("Forbidden: the Host header does not name this server");
        }
        if (origin.isPresent() && !originAllowed(origin.get().trim())) {
            return Optional.of("Forbidden: requests from origin " + origin.get().trim() + " are not allowed");
        }
        return Optional.empty();
    }

    private boolean originAllowed(String origin) {
        String lower = origin.toLowerCase(Locale.ROOT);
        if (origins.contains(lower)) {
            return true;
        }
        try {
            URI uri = new URI(lower);
            String scheme = uri.getScheme();
            return ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null
                   && hosts.contains(normalizeHost(uri.getHost()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The host name of a Host header value, without port and brackets, lower case. */
    static String hostName(String hostHeader) {
        String value = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(1, end);
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && value.indexOf(':', colon + 1) < 0) {
            return value.substring(0, colon);
        }
        return value;
    }

    private static String normalizeHost(String host) {
        String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[") && value.endsWith("]")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
