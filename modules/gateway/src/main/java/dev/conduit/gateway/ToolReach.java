package dev.conduit.gateway;

import java.util.Optional;

import dev.conduit.core.Principal;
import dev.conduit.core.tool.Tool;
import dev.conduit.policy.ToolAllowList;

/**
 * Whose view of the tools a lookup takes. A client sees what its key's allow-list grants, and the gateway's own tools;
 * a program sees what its key grants, narrowed by the request's {@code allowedTools}, and never the gateway's own tools
 * (a program cannot start another execution). Every lookup of {@link ToolAccess} takes one, so a tool a client can
 * reach by name is one a program of the same key can reach too, unless the request narrowed it away.
 *
 * @param principal    who asks
 * @param allowed      the key's allow-list
 * @param narrowed     the request's narrowing, for a program that was given one
 * @param gatewayTools whether the gateway's own tools (discovery, execution) are in view
 */
record ToolReach(Principal principal, ToolAllowList allowed, Optional<ToolAllowList> narrowed, boolean gatewayTools) {
    /** A client's reach: its key's allow-list, and the gateway's own tools. */
    static ToolReach client(Principal principal) {
        return new ToolReach(principal, ToolAllowList.ofKey(principal.allowedTools()), Optional.empty(), true);
    }

    /** A program's reach: its key's allow-list narrowed by the request, without the gateway's own tools. */
    static ToolReach program(Principal principal, Optional<ToolAllowList> narrowed) {
        return new ToolReach(principal, ToolAllowList.ofKey(principal.allowedTools()), narrowed, false);
    }

    /** Whether the allow-lists grant {@code tool}. */
    boolean allows(Tool tool) {
        return allowed.allows(tool.namespace(), tool.localName())
               && narrowed.map(list -> list.allows(tool.namespace(), tool.localName())).orElse(true);
    }
}
