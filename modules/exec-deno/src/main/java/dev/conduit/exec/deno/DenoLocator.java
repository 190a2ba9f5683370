package dev.conduit.exec.deno;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Deno binary: {@code executors.deno.path}, then the environment variable {@code CONDUIT_DENO}, then
 * {@code deno/deno} in the distribution (where the build puts the pinned npm package's binary), then {@code deno} on
 * the {@code PATH}. Says where it looked when it finds nothing.
 */
final class DenoLocator {
    static final String ENVIRONMENT_VARIABLE = "CONDUIT_DENO";

    private DenoLocator() {
    }

    /** The binary, or where it was looked for. */
    sealed interface Found permits Binary, Missing {
    }

    record Binary(Path path) implements Found {
    }

    record Missing(String searched) implements Found {
    }

    static Found locate(Optional<Path> configured) {
        if (configured.isPresent()) {
            // Absolute: each process starts in its own directory, where a relative path would mean something else.
            return executable(configured.get()) ? new Binary(configured.get().toAbsolutePath())
                    : new Missing("executors.deno.path " + configured.get() + " is not an executable file");
        }
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv(ENVIRONMENT_VARIABLE)).filter(s -> !s.isBlank()).map(Path::of)
                .ifPresent(candidates::add);
        Optional.ofNullable(System.getProperty("conduit.home")).map(home -> Path.of(home, "deno", "deno"))
                .ifPresent(candidates::add);
        String pathVariable = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String directory : pathVariable.split(File.pathSeparator)) {
            if (!directory.isBlank()) {
                candidates.add(Path.of(directory, "deno"));
            }
        }
        return candidates.stream().filter(DenoLocator::executable).findFirst()
                .<Found>map(path -> new Binary(path.toAbsolutePath()))
                .orElseGet(() -> new Missing("no deno binary: set executors.deno.path or " + ENVIRONMENT_VARIABLE
                                             + ", or build with npm so the distribution has deno/deno; looked in "
                                             + "$" + ENVIRONMENT_VARIABLE + ", the distribution and PATH"));
    }

    private static boolean executable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
