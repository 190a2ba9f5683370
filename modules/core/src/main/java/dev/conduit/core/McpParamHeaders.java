package dev.conduit.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Tool arguments mirrored into headers (2026-07-28, Streamable HTTP): a tool's {@code inputSchema} may mark a
 * property with {@code "x-mcp-header": "Region"}, and a call of that tool then carries the argument's value as
 * {@code Mcp-Param-Region} too, so that a balancer can route on it without reading the body. A server checks that the
 * two agree (an intermediary may have acted on the header while the server acts on the body); a client writes the
 * header. Only properties reached through {@code properties} from the root count, of type string, integer or
 * boolean, under a header name that is an HTTP token and unique (ignoring case) in the schema; a schema with an
 * annotation that breaks these rules has none enforced. Values travel as {@link McpNameHeader} values do.
 */
public final class McpParamHeaders {
    /** What every mirrored header's name starts with. */
    public static final String PREFIX = "Mcp-Param-";
    private static final String ANNOTATION = "x-mcp-header";
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Set<String> PRIMITIVES = Set.of("string", "integer", "boolean");

    /** One annotated property: its header (without the prefix) and where its value is in the arguments. */
    public record Binding(String header, List<String> path) {
        public Binding {
            path = List.copyOf(path);
        }
    }

    private McpParamHeaders() {
    }

    /** The annotated properties of {@code inputSchema}; empty when it has none or any annotation is invalid. */
    public static List<Binding> bindings(JsonNode inputSchema) {
        return valid(inputSchema) ? annotated(inputSchema) : List.of();
    }

    /**
     * Whether every annotation of {@code inputSchema} keeps the rules (see the class comment): a client must not call
     * a tool with one that does not, as the revision says.
     */
    public static boolean valid(JsonNode inputSchema) {
        List<Binding> found = new ArrayList<>();
        if (!collect(inputSchema, List.of(), found)) {
            return false;
        }
        Set<String> names = new HashSet<>();
        for (Binding binding : found) {
            if (!names.add(binding.header().toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    private static List<Binding> annotated(JsonNode inputSchema) {
        List<Binding> found = new ArrayList<>();
        collect(inputSchema, List.of(), found);
        return List.copyOf(found);
    }

    /** Walks {@code properties} chains; false when an annotation there is invalid. */
    private static boolean collect(JsonNode schema, List<String> path, List<Binding> found) {
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            List<String> at = new ArrayList<>(path);
            at.add(property.getKey());
            JsonNode annotation = property.getValue().get(ANNOTATION);
            if (annotation != null) {
                if (!annotation.isString() || !TOKEN.matcher(annotation.stringValue()).matches()
                    || !PRIMITIVES.contains(property.getValue().path("type").asString(""))) {
                    return false;
                }
                found.add(new Binding(annotation.stringValue(), at));
            }
            if (!collect(property.getValue(), at, found)) {
                return false;
            }
        }
        return true;
    }

    /** The headers a call with {@code arguments} carries: a null or absent argument has none. */
    public static Map<String, String> headers(List<Binding> bindings, JsonNode arguments) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            value(arguments, binding).ifPresent(value -> headers.put(PREFIX + binding.header(),
                                                                      McpNameHeader.encode(text(value))));
        }
        return headers;
    }

    /**
     * Why the headers of a call (looked up by name, ignoring case) disagree with its {@code arguments}, if they do: a
     * header missing for an argument that has a value, one that does not decode, or one with another value (numbers
     * compare by value, so {@code 42} and {@code 42.0} agree).
     */
    public static Optional<String> mismatch(List<Binding> bindings, JsonNode arguments,
                                            Function<String, Optional<String>> header) {
        for (Binding binding : bindings) {
            Optional<JsonNode> value = value(arguments, binding);
            if (value.isEmpty()) {
                continue;
            }
            String name = PREFIX + binding.header();
            Optional<String> sent = header.apply(name);
            if (sent.isEmpty()) {
                return Optional.of("the " + name + " header is required: the argument "
                                   + String.join(".", binding.path()) + " has a value");
            }
            Optional<String> decoded = McpNameHeader.decode(sent.get());
            if (decoded.isEmpty()) {
                return Optional.of("the " + name + " header is not valid: a =?base64?...?= value that does not decode");
            }
            if (!same(value.get(), decoded.get())) {
                return Optional.of(name + " header value '" + decoded.get() + "' does not match body value '"
                                   + text(value.get()) + "'");
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> value(JsonNode arguments, Binding binding) {
        JsonNode at = arguments;
        for (String step : binding.path()) {
            at = at.path(step);
        }
        return at.isMissingNode() || at.isNull() || at.isContainer() ? Optional.empty() : Optional.of(at);
    }

    private static String text(JsonNode value) {
        return value.isString() ? value.stringValue() : value.toString();
    }

    private static boolean same(JsonNode value, String header) {
        if (value.isNumber()) {
            try {
                return value.decimalValue().compareTo(new BigDecimal(header.strip())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return text(value).equals(header);
    }
}
