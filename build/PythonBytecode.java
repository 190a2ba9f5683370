import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/**
 * Build step: unpacks GraalPy's standard library into the distribution's resource folder and compiles it to bytecode
 * files, so that the sandboxes share one compiled copy of every standard module instead of compiling their own.
 *
 * <p>Run by the build (app/pom.xml) with the distribution's jars and
 * {@code -Dpolyglot.engine.userResourceCache=<distribution>/resources}, the folder {@code bin/conduit} points GraalPy
 * at. A sandbox has no file access and never writes bytecode; without these files every context compiled each module
 * it imported from source, and kept it: a context importing asyncio held about 30 MB more, and took longer. Code read
 * from bytecode files is cached by GraalPy for the whole engine (by the code's hash), so the second context importing
 * asyncio holds 2-3 MB for it. The files are hash-based and unchecked (never compared with the sources' times), so a
 * copied or moved distribution keeps using them; the standard library never changes under a given GraalPy version,
 * and another version unpacks into a folder of its own. This is the one place a GraalPy context gets file access:
 * this program's own fixed code, at build time, never a guest's.
 */
public final class PythonBytecode {
    private static final String COMPILE = """
            import compileall, os, py_compile, sys
            library = os.path.dirname(os.__file__)
            ok = compileall.compile_dir(library, quiet=1, workers=1,
                                        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            library if ok else None
            """;

    private PythonBytecode() {
    }

    public static void main(String[] args) throws Exception {
        String folder = System.getProperty("polyglot.engine.userResourceCache");
        if (folder == null) {
            throw new IllegalStateException("set -Dpolyglot.engine.userResourceCache to the distribution's resources");
        }
        // Written last: a build that finds it (and the library it names) has nothing to do; a failed one compiles again.
        Path done = Path.of(folder, "python-bytecode.done");
        if (Files.isRegularFile(done) && Files.isDirectory(Path.of(Files.readString(done).strip()))) {
            System.out.println("python-bytecode: compiled before, " + Files.readString(done).strip());
            return;
        }
        long began = System.nanoTime();
        try (Context context = Context.newBuilder("python").allowIO(IOAccess.ALL)
                .option("engine.WarnInterpreterOnly", "false").build()) {
            Value compiled = context.eval("python", COMPILE);
            if (compiled.isNull()) {
                throw new IllegalStateException("some standard modules did not compile (listed above)");
            }
            String library = compiled.asString();
            long files;
            try (Stream<Path> all = Files.walk(Path.of(library))) {
                files = all.filter(path -> path.toString().endsWith(".pyc")).count();
            }
            System.out.println("python-bytecode: " + files + " bytecode files under " + library + " in "
                               + (System.nanoTime() - began) / 1_000_000 + " ms");
            Files.writeString(done, library + "\n");
        }
    }
}
