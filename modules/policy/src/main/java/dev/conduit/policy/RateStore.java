package dev.conduit.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.EnvReferences;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.core.log.Redactor;

/**
 * The {@code policy.rate-limits.store} node: where replicas keep their rate-limit buckets together, so that a key's
 * limit holds once across all of them instead of once per replica.
 * <pre>
 * policy:
 *   rate-limits:
 *     store:
 *       url: ${CONDUIT_RATE_STORE}   # redis://[:password@]host:port[/db]
 *       on-failure: local             # local (default): each replica limits alone meanwhile; closed: refuse
 *       timeout: 200ms                # for connecting and for each answer
 * </pre>
 *
 * @param host      the Redis server's host
 * @param port      its port
 * @param password  what {@code AUTH} sends, if anything (never shown by {@link #toString()})
 * @param database  the database {@code SELECT}ed, 0 by default
 * @param onFailure what the limiter does while the store cannot be reached
 * @param timeout   for connecting and for each answer
 */
public record RateStore(String host, int port, Optional<String> password, int database, OnFailure onFailure,
                        Duration timeout) {

    /** While the store is unreachable. */
    public enum OnFailure {
        /** Each replica limits with its own in-memory buckets: the limit holds per replica. */
        LOCAL,
        /** Every limited unit of work is refused (-32005 with a retry hint): the limit never loosens. */
        CLOSED
    }

    /** Reads {@code policy.rate-limits.store}, {@code ${VAR}} taken from {@code environment}; empty when absent. */
    public static Optional<RateStore> from(ConfigReader node, Map<String, String> environment) {
        if (!node.has("url")) {
            node.warnUnknown();
            return Optional.empty();
        }
        String raw = EnvReferences.resolve(node.key("url"), node.requiredString("url"), environment);
        URI url;
        try {
            url = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(node.key("url"), "must be redis://host:port, not a malformed URL");
        }
        if (!"redis".equals(url.getScheme()) || url.getHost() == null) {
            throw new InvalidConfigException(node.key("url"), "must be redis://[:password@]host:port[/db] (the only "
                                                               + "store supported is Redis)");
        }
        Optional<String> password = Optional.ofNullable(url.getRawUserInfo())
                .map(info -> info.substring(info.indexOf(':') + 1)).filter(secret -> !secret.isEmpty())
                .map(secret -> java.net.URLDecoder.decode(secret, java.nio.charset.StandardCharsets.UTF_8));
        password.ifPresent(Redactor::register); // masked in every log line from now on
        int database = 0;
        String path = url.getPath() == null ? "" : url.getPath().replace("/", "");
        if (!path.isEmpty()) {
            try {
                database = Integer.parseInt(path);
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(node.key("url"), "names database '" + path + "'; use a number");
            }
        }
        String failure = node.string("on-failure").orElse("local").trim();
        OnFailure onFailure = switch (failure) {
            case "local" -> OnFailure.LOCAL;
            case "closed" -> OnFailure.CLOSED;
            default -> throw new InvalidConfigException(node.key("on-failure"), "must be local or closed, not '"
                                                                                 + failure + "'");
        };
        Duration timeout = node.duration("timeout", Duration.ofMillis(200), Duration.ofMillis(10),
                                         Duration.ofSeconds(10));
        node.warnUnknown();
        return Optional.of(new RateStore(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort(), password, database,
                                         onFailure, timeout));
    }

    @Override
    public String toString() {
        return "RateStore[redis://" + host + ":" + port + "/" + database + ", on-failure=" + onFailure + "]";
    }
}
