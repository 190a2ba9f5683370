package dev.conduit.sdkgen;

import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class TypeScriptDeclarationsTest {

    @Test
    void declaresArgumentsAndResultsFromSchemas() {
        String declarations = TypeScriptDeclarations.of(List.of(new TypeScriptDeclarations.Tool("everything",
                "get-sum", "Adds two numbers.", Json.mapper().readTree("""
                        {"type":"object","properties":{"a":{"type":"number","description":"First"},
                         "b":{"type":"integer"},"mode":{"enum":["fast","exact"]},"tags":{"type":"array",
                         "items":{"type":"string"}}},"required":["a","b"]}"""),
                Json.mapper().readTree("{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"number\"}}}"))));
        assertThat(declarations, containsString("declare namespace tools {"));
        assertThat(declarations, containsString("namespace everything {"));
        assertThat(declarations, containsString("function get_sum(args: {"));
        assertThat(declarations, containsString("a: number;"));
        assertThat(declarations, containsString("mode?: \"fast\" | \"exact\";"));
        assertThat(declarations, containsString("tags?: Array<string>;"));
        assertThat(declarations, containsString("): Promise<{"));
        assertThat(declarations, containsString("Also tools.everything[\"get-sum\"]."));
    }

    @Test
    void hostileUpstreamTextCannotChangeTheStructure() {
        String hostile = "*/ } declare const pwned: true; /* `${x}` \"\"\" $& \n*/ }";
        String declarations = TypeScriptDeclarations.of(List.of(new TypeScriptDeclarations.Tool(hostile, hostile,
                hostile, Json.mapper().readTree("{\"type\":\"object\",\"properties\":{"
                        + Json.mapper().writeValueAsString(hostile) + ":{\"enum\":["
                        + Json.mapper().writeValueAsString(hostile) + "],\"description\":"
                        + Json.mapper().writeValueAsString(hostile) + "}}}"), null)));
        // Read as TypeScript's lexer would: outside comments and string literals only the fixed vocabulary appears,
        // and the text ends outside any comment or string.
        StringBuilder code = new StringBuilder();
        int state = 0; // 0 code, 1 comment, 2 string
        for (int i = 0; i < declarations.length(); i++) {
            char c = declarations.charAt(i);
            if (state == 0 && declarations.startsWith("/*", i)) {
                state = 1;
                i++;
            } else if (state == 1 && declarations.startsWith("*/", i)) {
                state = 0;
                i++;
            } else if (state == 0 && c == '"') {
                state = 2;
                code.append('S');
            } else if (state == 2 && c == '\\') {
                i++;
            } else if (state == 2 && c == '"') {
                state = 0;
            } else if (state == 0) {
                code.append(c);
            }
        }
        assertThat(state, is(0));
        assertThat(code.toString(), not(containsString("declare const")));
        assertThat(code.toString(), not(containsString("`")));
        assertThat(code.chars().filter(c -> c == '{').count(), is(code.chars().filter(c -> c == '}').count()));
    }
}
