package dev.conduit.exec.rhino;

import java.util.Optional;

import org.mozilla.javascript.ast.AstNode;
import org.mozilla.javascript.ast.AstRoot;
import org.mozilla.javascript.ast.FunctionNode;
import org.mozilla.javascript.ast.Loop;
import org.mozilla.javascript.ast.VariableDeclaration;

/**
 * Finds the block-scoped declarations that Rhino runs wrongly, so that such a program is refused with a reason instead
 * of computing a different answer than every other engine:
 * <ul>
 *     <li>a {@code const} inside a loop keeps the value of its first iteration
 *     ({@code for (let i...) { const x = i * 10 }} sees 0 every time);</li>
 *     <li>a {@code let} inside a loop that also holds a function shares one binding across iterations, so closures
 *     see its last value ({@code for (let i...) fs.push(() => i)} gives 3,3,3).</li>
 * </ul>
 * Declarations inside a function defined in the loop are that function's own and run correctly.
 */
final class LoopBindings {
    private LoopBindings() {
    }

    /** Why Rhino would run {@code program} wrongly, or empty (also when it does not parse: the compiler reports that). */
    static Optional<String> problem(ProgramSource program) {
        return program.tree().flatMap(LoopBindings::problem);
    }

    private static Optional<String> problem(AstRoot root) {
        String[] found = new String[1];
        root.visit(node -> {
            if (found[0] == null && node instanceof VariableDeclaration declaration
                && (declaration.isConst() || declaration.isLet())) {
                enclosingLoop(declaration).ifPresent(loop -> {
                    if (declaration.isConst()) {
                        found[0] = "a const declared inside a loop (line " + declaration.getLineno() + ") would keep "
                                   + "its first value on every iteration";
                    } else if (holdsFunction(loop)) {
                        found[0] = "a let declared inside a loop that creates functions (line "
                                   + declaration.getLineno() + ") would be shared by every iteration's closures";
                    }
                });
            }
            return found[0] == null;
        });
        return Optional.ofNullable(found[0]);
    }

    /** The nearest loop around {@code node} in the same function, if any. */
    private static Optional<Loop> enclosingLoop(AstNode node) {
        for (AstNode parent = node.getParent(); parent != null; parent = parent.getParent()) {
            if (parent instanceof FunctionNode) {
                return Optional.empty();
            }
            if (parent instanceof Loop loop) {
                return Optional.of(loop);
            }
        }
        return Optional.empty();
    }

    private static boolean holdsFunction(Loop loop) {
        boolean[] holds = new boolean[1];
        loop.visit(node -> {
            holds[0] |= node instanceof FunctionNode;
            return !holds[0];
        });
        return holds[0];
    }
}
