package dev.conduit.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import dev.conduit.core.RequestContext;
import dev.conduit.core.Sha256;
import dev.conduit.core.Stamps;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.log.Redactor;
import dev.conduit.policy.AuditSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One audit record per execution and per direct tool call: who, what (a hash of the code; the code and arguments only
 * when configured), under which allow-list, which tools with which outcomes, which limit, how long, how big. Written
 * to the log ({@code dev.conduit.audit}) or to a JSON-lines file rotated by size; every record passes through
 * {@link Redactor}, so no API key or credential is ever written.
 */
public final class AuditTrail {
    private static final System.Logger LOGGER = System.getLogger("dev.conduit.audit");

    private final AuditSettings settings;
    private final ReentrantLock fileLock = new ReentrantLock();

    public AuditTrail(AuditSettings settings) {
        this.settings = settings;
    }

    /** An execution ended (or was refused by a limit). */
    void execution(RequestContext context, String engine, String language, String code, List<String> allowlist,
                   JsonNode toolCalls, String outcome, Optional<String> limit, long durationMs, int resultBytes) {
        Map<String, Object> record = base("execution", context);
        record.put("engine", engine);
        record.put("language", language);
        record.put("codeSha256", sha256(code));
        if (settings.includeCode()) {
            record.put("code", code);
        }
        record.put("allowlist", allowlist);
        record.put("toolCalls", toolCalls); // redaction (the log's formatter, or write) walks the tree once, as it is
        record.put("outcome", outcome);
        limit.ifPresent(name -> record.put("limit", name));
        record.put("durationMs", durationMs);
        record.put("resultBytes", resultBytes);
        write(record);
    }

    /** A client called a tool directly. */
    void toolCall(RequestContext context, String tool, ObjectNode arguments, String outcome, long durationMs,
                  long resultBytes) {
        Map<String, Object> record = base("tool_call", context);
        record.put("tool", tool);
        if (settings.includeArguments()) {
            record.put("arguments", arguments);
        }
        record.put("allowlist", context.principal().allowedTools());
        record.put("outcome", outcome);
        record.put("durationMs", durationMs);
        record.put("resultBytes", resultBytes);
        write(record);
    }

    private static Map<String, Object> base(String event, RequestContext context) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("time", Stamps.utc().format(Instant.now()));
        record.put("event", event);
        record.put("principal", context.principal().id());
        record.put("correlationId", context.correlationId());
        return record;
    }

    private void write(Map<String, Object> record) {
        if (settings.file().isEmpty()) {
            // The log's formatter redacts every record, this one included (a second pass here cost a tenth of a
            // direct tool call's CPU).
            LOGGER.log(Level.INFO, "audit", record);
            return;
        }
        byte[] line = (Json.mapper().writeValueAsString(Redactor.redactValue(record)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        fileLock.lock();
        try {
            Path file = settings.file().get();
            Path directory = file.getParent();
            if (directory != null) {
                Files.createDirectories(directory);
            }
            if (Files.exists(file) && Files.size(file) + line.length > settings.maxBytes()) {
                rotate(file);
            }
            if (!Files.exists(file)) {
                createOwnerOnly(file);
            }
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | UncheckedIOException e) {
            LOGGER.log(Level.ERROR, "audit record could not be written to " + settings.file().get() + ": "
                                    + e.getMessage());
        } finally {
            fileLock.unlock();
        }
    }

    /** The trail holds who ran what: readable by the server's own user only (0600 where the file system says so). */
    private static void createOwnerOnly(Path file) throws IOException {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // Another writer made it first; it was made the same way.
        }
    }

    /** audit.jsonl becomes audit.jsonl.1, .1 becomes .2, ...; the oldest beyond {@code keep} is removed. */
    private void rotate(Path file) throws IOException {
        Files.deleteIfExists(numbered(file, settings.keep()));
        for (int i = settings.keep() - 1; i >= 1; i--) {
            Path older = numbered(file, i);
            if (Files.exists(older)) {
                Files.move(older, numbered(file, i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, numbered(file, 1), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path numbered(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private static String sha256(String text) {
        return Sha256.hex(text);
    }
}
