package dev.conduit.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.conduit.auth.AuthConfig;
import dev.conduit.core.config.ConfigReader;

/**
 * The {@code cluster} node: what replicas behind one balancer share.
 * <pre>
 * cluster:
 *   secret: ${CONDUIT_CLUSTER_SECRET}   # 32+ characters, the same on every replica: signs session ids
 *   session-max-age: 24h                # a signed session's lifetime, however active (1m-30d)
 * </pre>
 *
 * @param secret        the shared secret's bytes; empty: sessions live on the replica that opened them
 * @param sessionMaxAge a signed session's lifetime
 */
record ClusterSettings(Optional<byte[]> secret, Duration sessionMaxAge) {

    static ClusterSettings from(ConfigReader node, Map<String, String> environment) {
        Optional<byte[]> secret = node.string("secret")
                .map(raw -> AuthConfig.secret(node.key("secret"), raw, environment).getBytes(StandardCharsets.UTF_8));
        Duration maxAge = node.duration("session-max-age", Duration.ofHours(24), Duration.ofMinutes(1),
                                        Duration.ofDays(30));
        node.warnUnknown();
        return new ClusterSettings(secret, maxAge);
    }

    @Override
    public String toString() {
        return "ClusterSettings[secret=" + (secret.isPresent() ? "set" : "none") + ", sessionMaxAge=" + sessionMaxAge
               + "]";
    }
}
