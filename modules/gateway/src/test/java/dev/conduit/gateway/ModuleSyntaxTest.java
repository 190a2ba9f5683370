package dev.conduit.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class ModuleSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"export {};\nconsole.log(1)", "import { x } from 'y';", "import * as m from 'm'",
                            "import 'side-effect'", "  export const a = 1;", "export default 1"})
    void importAndExportStatementsAreModuleSyntax(String code) {
        assertThat(ModuleSyntax.present(code), is(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"const m = await import('x')", "console.log(import.meta)", "const important = 1;",
                            "exports.a = 1", "// export {}\n1", "const s = 'import x from y'"})
    void expressionsAndLookalikesAreNot(String code) {
        assertThat(ModuleSyntax.present(code), is(false));
    }

    @Test
    void exportsAreToldFromImports() {
        assertThat(ModuleSyntax.exports("import { x } from 'node:y';\nx()"), is(false));
        assertThat(ModuleSyntax.exports("import { x } from 'node:y';\n  export const a = x;"), is(true));
        assertThat(ModuleSyntax.exports("const exported = 1;"), is(false));
    }

    @Test
    void emptyExportsAreDroppedAndLineNumbersKept() {
        String code = "export {};\nconst a = 1;\n  export { } \nreturn a;";
        String stripped = ModuleSyntax.withoutEmptyExports(code);
        assertThat(stripped, is("\nconst a = 1;\n\nreturn a;"));
        assertThat(ModuleSyntax.present(stripped), is(false));
    }
}
