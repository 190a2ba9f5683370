package dev.conduit.gateway;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a value against one of a tool's schemas: the arguments against its {@code inputSchema} before the call is
 * forwarded, or its result's {@code structuredContent} against its {@code outputSchema}. The schema's
 * {@code $schema} picks its dialect (draft-07, 2019-09, 2020-12, ...); without one it is read as 2020-12, the MCP
 * default since 2025-11-25. Remote references are never fetched: only the dialects' bundled meta-schemas load.
 * Compiled schemas are cached per tool name and recompiled when the tool's schema object changes, which happens
 * whenever the catalog is refreshed. Thread-safe.
 */
final class SchemaValidator {
    private static final System.Logger LOGGER = System.getLogger(SchemaValidator.class.getName());
    private static final int MAX_CACHED = 10_000;
    private static final int MAX_MESSAGES = 20;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Compiled> cache = new ConcurrentHashMap<>();
    private final String role;

    /** A validator for one kind of schema, named by {@code role} ("input schema", "output schema") in its messages. */
    SchemaValidator(String role) {
        this.role = role;
    }

    /** The outcome of a check. */
    sealed interface Outcome permits Valid, Invalid, Unusable {
    }

    /** The value satisfies the schema. */
    record Valid() implements Outcome {
    }

    /** The value breaks the schema; one message per violation, with its location. */
    record Invalid(List<String> messages) implements Outcome {
    }

    /** The schema itself cannot be used (it does not compile). */
    record Unusable(String reason) implements Outcome {
    }

    private record Compiled(JsonNode source, Schema schema, String problem) {
    }

    Outcome validate(String toolName, ObjectNode schema, ObjectNode value) {
        Compiled compiled = cache.get(toolName);
        if (compiled == null || compiled.source() != schema) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            compiled = compile(toolName, schema);
            cache.put(toolName, compiled);
        }
        if (compiled.schema() == null) {
            return new Unusable(compiled.problem());
        }
        List<Error> errors = compiled.schema().validate(value);
        if (errors.isEmpty()) {
            return new Valid();
        }
        return new Invalid(errors.stream().limit(MAX_MESSAGES).map(SchemaValidator::describe).toList());
    }

    private Compiled compile(String toolName, ObjectNode schema) {
        try {
            Schema compiled = registry.getSchema(schema);
            compiled.initializeValidators();
            return new Compiled(schema, compiled, "");
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "the " + role + " of tool " + toolName + " cannot be used: " + e.getMessage());
            return new Compiled(schema, null, "its " + role + " is not a valid JSON Schema");
        }
    }

    private static String describe(Error error) {
        String location = error.getInstanceLocation() == null ? "$" : error.getInstanceLocation().toString();
        String message = error.getMessage();
        return message.startsWith(location) ? message : location + ": " + message;
    }
}
