package dev.conduit.core.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class StaticImportsTest {
    @Test
    void declarationsMoveOutAndTheLinesStay() {
        StaticImports imports = StaticImports.of("""
                import { a,
                  b } from "node:x"
                import * as c from 'node:c';
                import d, { e as f } from "node:d" with { type: "json" };
                import "node:side";
                import type { T } from "./t.ts";
                run(a);""");
        assertThat(imports.declarations(), is("import { a , b } from \"node:x\"; import * as c from 'node:c'; "
                                              + "import d , { e as f } from \"node:d\" with { type : \"json\" }; "
                                              + "import \"node:side\"; import type { T } from \"./t.ts\"; "));
        assertThat(imports.body(), is("\n\n\n\n\n\nrun(a);"));
        assertThat(imports.any(), is(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"const m = await import('node:x');", "console.log(import.meta.url)",
                            "const s = `\nimport x from 'y'`;", "function f() {\n  import('x');\n}",
                            "// import x from 'y'\n1", "const important = 1;\nimportant", "import x = require('y');",
                            "if (a) { import x from 'y' }"})
    void whatIsNoTopLevelDeclarationStays(String code) {
        StaticImports imports = StaticImports.of(code);
        assertThat(imports.any(), is(false));
        assertThat(imports.body(), is(code));
    }

    @Test
    void codeAfterADeclarationOnItsLineStays() {
        StaticImports imports = StaticImports.of("import x from 'y'; console.log(x)\nimport z from 'w'\nz()");
        assertThat(imports.declarations(), is("import x from 'y'; import z from 'w'; "));
        assertThat(imports.body(), is(" console.log(x)\n\nz()"));
    }
}
