package dev.conduit.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * How this server introduces itself in {@code initialize}.
 *
 * @param name    the machine name
 * @param title   the human-readable name
 * @param version the build's version
 */
public record ServerInfo(String name, String title, String version) {
    public ServerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(version, "version");
    }

    /** This build's identity, with the version Maven wrote into the jar. */
    public static ServerInfo current() {
        Properties properties = new Properties();
        try (InputStream in = ServerInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ServerInfo("conduit", "Conduit for Java", properties.getProperty("version", "unknown"));
    }
}
