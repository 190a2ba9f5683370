package dev.conduit.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * Tool parameters mirrored into {@code Mcp-Param-*} headers: which annotations count, what a client sends, and what a
 * server refuses (a missing header for a value, a different value, a bad base64 form), comparing numbers by value.
 */
class McpParamHeadersTest {
    private static final JsonNode SCHEMA = json("""
            {"type":"object","properties":{
              "region":{"type":"string","x-mcp-header":"Region"},
              "limit":{"type":"integer","x-mcp-header":"Limit"},
              "dry":{"type":"boolean","x-mcp-header":"Dry-Run"},
              "nested":{"type":"object","properties":{"zone":{"type":"string","x-mcp-header":"Zone"}}},
              "query":{"type":"string"}}}""");
    private static final List<McpParamHeaders.Binding> BINDINGS = McpParamHeaders.bindings(SCHEMA);

    private static JsonNode json(String text) {
        return Json.mapper().readTree(text);
    }

    private static Optional<String> check(String arguments, Map<String, String> headers) {
        return McpParamHeaders.mismatch(BINDINGS, json(arguments), name -> headers.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst());
    }

    @Test
    void propertiesReachedThroughPropertiesAreBound() {
        assertThat(BINDINGS.stream().map(McpParamHeaders.Binding::header).toList(),
                   is(List.of("Region", "Limit", "Dry-Run", "Zone")));
        assertThat(BINDINGS.getLast().path(), is(List.of("nested", "zone")));
    }

    @Test
    void aSchemaWithAnInvalidAnnotationHasNoneEnforced() {
        assertThat(McpParamHeaders.bindings(json("""
                {"properties":{"a":{"type":"string","x-mcp-header":"A"},"b":{"type":"object","x-mcp-header":"B"}}}""")),
                   empty());
        assertThat(McpParamHeaders.bindings(json("""
                {"properties":{"a":{"type":"string","x-mcp-header":"Bad Name"}}}""")), empty());
        assertThat(McpParamHeaders.bindings(json("""
                {"properties":{"a":{"type":"string","x-mcp-header":"Same"},"b":{"type":"string","x-mcp-header":"same"}}}\
                """)), empty());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"object\",\"x-mcp-header\":\"A\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"array\",\"x-mcp-header\":\"A\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"null\",\"x-mcp-header\":\"A\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"number\",\"x-mcp-header\":\"A\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Region:Primary\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"R\u00e9gion\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Line\\nBreak\"}}}",
        "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":7}}}",
        "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"R\"},"
            + "\"b\":{\"type\":\"string\",\"x-mcp-header\":\"R\"}}}"})
    void aSchemaBreakingTheRulesIsNotValid(String schema) {
        assertThat(McpParamHeaders.valid(json(schema)), is(false));
    }

    @Test
    void schemasKeepingTheRulesOrWithoutAnnotationsAreValid() {
        assertThat(McpParamHeaders.valid(SCHEMA), is(true));
        assertThat(McpParamHeaders.valid(json("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\"}}}")),
                   is(true));
        assertThat(McpParamHeaders.valid(json("{}")), is(true));
    }

    @Test
    void matchingHeadersPassAndNumbersCompareByValue() {
        assertThat(check("""
                {"region":"eu","limit":42,"dry":true,"nested":{"zone":"b"},"query":"q"}""",
                Map.of("Mcp-Param-Region", "eu", "mcp-param-limit", "42.0", "Mcp-Param-Dry-Run", "true",
                       "Mcp-Param-Zone", "=?base64?Yg==?=")), is(Optional.empty()));
        // A null or absent argument expects no header.
        assertThat(check("{\"region\":null}", Map.of()), is(Optional.empty()));
    }

    @Test
    void aMissingDifferentOrUndecodableHeaderIsRefused() {
        assertThat(check("{\"region\":\"eu\"}", Map.of()).orElseThrow(),
                   containsString("the Mcp-Param-Region header is required"));
        assertThat(check("{\"limit\":42}", Map.of("Mcp-Param-Limit", "43")).orElseThrow(),
                   containsString("Mcp-Param-Limit header value '43' does not match body value '42'"));
        assertThat(check("{\"region\":\"eu\"}", Map.of("Mcp-Param-Region", "=?base64?***?=")).orElseThrow(),
                   containsString("does not decode"));
    }

    @Test
    void aClientSendsWhatTheServerAccepts() {
        JsonNode arguments = json("{\"region\":\"Zürich \",\"limit\":7,\"dry\":false}");
        Map<String, String> headers = McpParamHeaders.headers(BINDINGS, arguments);
        assertThat(headers.keySet(), is(java.util.Set.of("Mcp-Param-Region", "Mcp-Param-Limit", "Mcp-Param-Dry-Run")));
        assertThat(headers.get("Mcp-Param-Region"), containsString("=?base64?"));
        assertThat(check(arguments.toString(), headers), is(Optional.empty()));
    }
}
