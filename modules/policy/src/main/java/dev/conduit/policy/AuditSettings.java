package dev.conduit.policy;

import java.nio.file.Path;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.config.InvalidConfigException;

/**
 * The {@code policy.audit} node: where the audit trail goes and what it may hold.
 * <pre>
 * policy:
 *   audit:
 *     sink: log                 # log (the logger dev.conduit.audit, the default) or file
 *     path: audit/audit.jsonl   # file: JSON lines, rotated by size to audit.jsonl.1, .2, ...
 *     max-bytes: 10485760       # file: rotate beyond this size (4 KiB to 1 GiB)
 *     keep: 5                   # file: rotated files kept (1-100)
 *     include-code: false       # the program's text beside its hash
 *     include-arguments: false  # direct tool calls' arguments
 * </pre>
 *
 * @param file             the JSON-lines file, when the sink is a file
 * @param maxBytes         rotation size
 * @param keep             rotated files kept
 * @param includeCode      whether records carry the program's text
 * @param includeArguments whether records carry tool arguments
 */
public record AuditSettings(Optional<Path> file, long maxBytes, int keep, boolean includeCode,
                            boolean includeArguments) {

    /** The audit trail in the log, without code or arguments. */
    public static AuditSettings defaults() {
        return new AuditSettings(Optional.empty(), 10L * 1024 * 1024, 5, false, false);
    }

    public static AuditSettings from(ConfigReader node) {
        String sink = node.string("sink", "log");
        Optional<Path> file = switch (sink) {
            case "log" -> Optional.empty();
            case "file" -> Optional.of(Path.of(node.string("path").orElseThrow(() -> new InvalidConfigException(
                    node.key("path"), "is required with sink: file (a JSON-lines file, e.g. audit/audit.jsonl)"))));
            default -> throw new InvalidConfigException(node.key("sink"), "must be log or file, not '" + sink + "'");
        };
        long maxBytes = node.longValue("max-bytes", 10L * 1024 * 1024, 4096, 1L << 30);
        int keep = node.integer("keep", 5, 1, 100);
        boolean includeCode = node.bool("include-code", false);
        boolean includeArguments = node.bool("include-arguments", false);
        node.warnUnknown();
        return new AuditSettings(file, maxBytes, keep, includeCode, includeArguments);
    }
}
