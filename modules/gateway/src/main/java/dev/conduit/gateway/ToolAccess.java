package dev.conduit.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCall;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolResults;
import dev.conduit.core.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one path to a tool, whichever method asks ({@code tools/list}, {@code tools/call}, the original's
 * {@code mcp.*} methods, the discovery tools, a program's tool bridge): the caller's allow-list, strict or permissive
 * mode, and argument validation are applied here and nowhere else. The gateway's own discovery tools (namespace
 * {@code conduit}) are visible to every caller: they only ever show the caller's own view of the catalog. Its
 * execution tools are allow-listed ({@code conduit.*} or {@code conduit.execute_javascript}).
 */
final class ToolAccess {
    /** The namespace of the gateway's own tools. */
    static final String BUILTIN_NAMESPACE = "conduit";

    private final ToolCatalog catalog;
    private final boolean strict;
    private final SchemaValidator inputs = new SchemaValidator("input schema");
    private final SchemaValidator outputs = new SchemaValidator("output schema");
    /** Visible to every caller: they only show the caller's own view. */
    private final List<Tool> discovery;
    /** Allow-listed like any tool (namespace {@code conduit}): running code is something a key must be granted. */
    private final List<Tool> execution;

    private final GatewayMetrics metrics;
    private final Tracing tracing;

    private final AuditTrail audit;
    private final int maxArgumentBytes;

    ToolAccess(ToolCatalog catalog, boolean strict, int maxArgumentBytes, Optional<ExecutionService> executions,
               AuditTrail audit, GatewayMetrics metrics, Tracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.audit = audit;
        this.maxArgumentBytes = maxArgumentBytes;
        this.catalog = catalog;
        this.strict = strict;
        // The gateway's tools call back into this object only when invoked, after construction has finished.
        this.discovery = DiscoveryTools.create(this);
        this.execution = executions.map(service -> ExecutionTools.create(this, service)).orElse(List.of());
    }

    /** The tools {@code reach} takes in: the gateway's own first (when in view), then the catalog's, in a stable order. */
    List<Tool> visible(ToolReach reach) {
        List<Tool> tools = new ArrayList<>();
        if (reach.gatewayTools()) {
            tools.addAll(discovery);
            execution.stream().filter(reach::allows).forEach(tools::add);
        }
        catalog.tools().stream().filter(reach::allows).forEach(tools::add);
        return tools;
    }

    /**
     * The catalog's tools {@code reach} takes in (never the gateway's own), of one namespace if given (an upstream's id
     * or its configured namespace).
     */
    List<Tool> upstreamTools(ToolReach reach, Optional<String> namespace) {
        return catalog.tools().stream().filter(reach::allows)
                .filter(tool -> namespace.map(name -> name.equals(tool.namespace())
                                                      || name.equals(catalog.namespaceOf(tool))).orElse(true))
                .toList();
    }

    /**
     * The catalog's tools {@code reach} takes in as listed now ({@link ToolCatalog#listed}): no wait for an upstream
     * that has not listed yet.
     */
    List<Tool> listedUpstreamTools(ToolReach reach) {
        return catalog.listed().stream().filter(reach::allows).toList();
    }

    /** The namespace a program addresses {@code tool} under ({@link ToolCatalog#namespaceOf}). */
    String namespaceOf(Tool tool) {
        return catalog.namespaceOf(tool);
    }

    /** The catalog's tools {@code reach} takes in that match {@code query}, best first ({@link ToolSearch}). */
    List<Tool> search(String query, Optional<String> namespace, ToolReach reach) {
        return ToolSearch.rank(upstreamTools(reach, namespace), query);
    }

    /**
     * The tool named {@code requested} if {@code reach} takes it in: by its exposed name ({@code everything__echo}) or,
     * for a catalog tool, its dotted one ({@code everything.echo}). A tool the caller may not use is reported exactly
     * like one that does not exist, so names cannot be probed. In permissive mode a tool its upstream did not list is
     * still forwarded, to clients and programs alike.
     */
    Optional<Tool> resolve(String requested, ToolReach reach) {
        if (reach.gatewayTools()) {
            for (Tool builtin : discovery) {
                if (builtin.definition().name().equals(requested)) {
                    return Optional.of(builtin);
                }
            }
            for (Tool builtin : execution) {
                if (builtin.definition().name().equals(requested)) {
                    return Optional.of(builtin).filter(reach::allows);
                }
            }
        }
        int dot = requested.indexOf('.');
        boolean dotted = dot > 0 && !requested.contains("__");
        String namespace = dotted ? requested.substring(0, dot) : "";
        String localName = dotted ? requested.substring(dot + 1) : "";
        return catalog.find(requested)
                .or(() -> dotted ? catalog.tools().stream().filter(tool -> catalog.namespaceOf(tool).equals(namespace)
                        && tool.localName().equals(localName)).findFirst() : Optional.empty())
                .or(() -> strict ? Optional.empty()
                        : catalog.unlisted(dotted ? namespace + "__" + localName : requested))
                .filter(tool -> !tool.namespace().equals(BUILTIN_NAMESPACE))
                .filter(reach::allows);
    }

    /** {@link #resolve} or the spec's unknown-tool error. */
    Tool require(String name, ToolReach reach) {
        return resolve(name, reach).orElseThrow(() -> new RpcException(unknown(name)));
    }

    /** What is wrong with {@code arguments} for the tool {@code name} as {@code reach} sees it; empty when nothing. */
    List<String> problems(String name, ObjectNode arguments, ToolReach reach) {
        return resolve(name, reach).map(tool -> problems(tool, arguments))
                .orElse(List.of(unknown(name).message()));
    }

    private static JsonRpcError unknown(String name) {
        return JsonRpcError.invalidParams("Unknown tool: " + name + ". Call tools/list or "
                                          + DiscoveryTools.SEARCH + " for the available tools.");
    }

    /**
     * A client's own call of a tool ({@code tools/call}, {@code mcp.callTool}): {@link #call}, and its audit record.
     * An execution tool writes its own record (one per execution, holding the program only when the configuration
     * says so), so its call writes none: its arguments are the program.
     */
    ObjectNode callDirect(Tool tool, ObjectNode arguments, Optional<JsonNode> progressToken, RequestContext context) {
        if (execution.contains(tool)) {
            return call(tool, arguments, progressToken, context);
        }
        long started = System.nanoTime();
        String outcome = "failed";
        long size = 0;
        try {
            ObjectNode result = call(tool, arguments, progressToken, context);
            outcome = result.path("isError").asBoolean(false) ? "error" : "ok";
            size = Json.length(result);
            return result;
        } finally {
            audit.toolCall(context, tool.definition().name(), arguments, outcome,
                           Duration.ofNanos(System.nanoTime() - started).toMillis(), size);
        }
    }

    /**
     * Arguments too large for an upstream are refused here, so that one caller's oversized call never reaches (and
     * never clogs) a connection that every caller shares. The gateway's own tools have limits of their own.
     */
    private void refuseOversized(Tool tool, ObjectNode arguments) {
        if (tool.namespace().equals(BUILTIN_NAMESPACE)) {
            return;
        }
        if (Json.maxBytes(arguments) <= maxArgumentBytes) {
            return; // the usual case, known without writing the arguments out (that was 2.4 % of a direct call's CPU)
        }
        long size = Json.mapper().writeValueAsBytes(arguments).length;
        if (size > maxArgumentBytes) {
            throw new RpcException(JsonRpcError.invalidParams(oversized(tool.definition().name(), size)));
        }
    }

    /** The largest arguments a call of an upstream's tool may pass, in bytes of JSON. */
    int maxArgumentBytes() {
        return maxArgumentBytes;
    }

    /** Why a call of {@code name} with {@code size} bytes of arguments is refused (-32602). */
    String oversized(String name, long size) {
        return "The arguments for tool " + name + " are " + size + " bytes of JSON; the limit is " + maxArgumentBytes
               + " bytes (limits.tool-argument-bytes)";
    }

    /** Calls {@code tool} after checking its arguments; a violation comes back as a tool error result. */
    ObjectNode call(Tool tool, ObjectNode arguments, Optional<JsonNode> progressToken, RequestContext context) {
        long started = System.nanoTime();
        String outcome = "failed";
        Span span = tracing.start("tool " + tool.definition().name(), SpanKind.INTERNAL);
        span.setAttribute("conduit.upstream", tool.namespace());
        span.setAttribute("conduit.tool", tool.localName());
        try (Scope _ = span.makeCurrent()) {
            refuseOversized(tool, arguments);
            List<String> problems = problems(tool, arguments);
            if (!problems.isEmpty()) {
                outcome = "invalid";
                return ToolResults.error("Invalid arguments for tool " + tool.definition().name() + ":\n- "
                                         + String.join("\n- ", problems));
            }
            ObjectNode answer = tool.invoker().call(new ToolCall(arguments, progressToken), context);
            ObjectNode result = keptToItsSchema(tool, answer);
            outcome = result.path("isError").asBoolean(false) ? "error" : "ok";
            return result;
        } finally {
            metrics.toolCall(tool.namespace(), tool.localName(), outcome,
                             Duration.ofNanos(System.nanoTime() - started));
            Tracing.end(span, outcome);
        }
    }

    /**
     * {@code result}, or a tool error in its place when it breaks the tool's output schema. MCP has a server give
     * structured content that conforms to the tool's {@code outputSchema} and a client check it: passed on as it came,
     * such a result makes the client's SDK refuse the whole answer (the TypeScript SDK throws, and the text content is
     * lost with it), and gives a program values its declared types do not describe. So the error names what is wrong
     * and the upstream's own content follows it. An error result is passed on as it came (it promises nothing).
     */
    private ObjectNode keptToItsSchema(Tool tool, ObjectNode result) {
        Optional<ObjectNode> schema = tool.definition().outputSchema();
        if (schema.isEmpty() || result.path("isError").asBoolean(false)) {
            return result;
        }
        String name = tool.definition().name();
        List<String> problems = switch (result.get("structuredContent")) {
            case null -> List.of("it has no structuredContent");
            case ObjectNode structured -> switch (outputs.validate(name, schema.get(), structured)) {
                case SchemaValidator.Valid valid -> List.of();
                case SchemaValidator.Invalid invalid -> invalid.messages();
                case SchemaValidator.Unusable unusable -> List.of(); // the tool's fault, told in the log once
            };
            default -> List.of("its structuredContent is not an object");
        };
        if (problems.isEmpty()) {
            return result;
        }
        ObjectNode error = ToolResults.error("Tool " + name + " answered with a result its output schema does not "
                                             + "allow:\n- " + String.join("\n- ", problems)
                                             + (result.path("content").isEmpty() ? "" : "\nIts content follows."));
        ArrayNode content = (ArrayNode) error.get("content");
        result.path("content").forEach(content::add);
        return error;
    }

    /**
     * What is wrong with {@code arguments} for {@code tool}; empty when they may be sent.
     *
     * @throws RpcException in strict mode, for a tool without a usable schema
     */
    List<String> problems(Tool tool, ObjectNode arguments) {
        String name = tool.definition().name();
        if (!tool.hasSchema()) {
            if (strict) {
                throw new RpcException(JsonRpcError.invalidParams("Strict mode: tool " + name
                                                                  + " has no input schema, so it is not called"));
            }
            return List.of();
        }
        return switch (inputs.validate(name, tool.definition().inputSchema(), arguments)) {
            case SchemaValidator.Valid valid -> List.of();
            case SchemaValidator.Invalid invalid -> invalid.messages();
            case SchemaValidator.Unusable unusable -> {
                if (strict) {
                    throw new RpcException(JsonRpcError.invalidParams("Strict mode: tool " + name + " cannot be "
                                                                      + "checked: " + unusable.reason()));
                }
                yield List.of();
            }
        };
    }
}
