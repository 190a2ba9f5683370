package dev.conduit.transport;

import java.util.regex.Pattern;

/**
 * The security descriptor of Conduit's named pipe, in SDDL: the Windows counterpart of a {@code rw-------} socket
 * file. A protected DACL (no inherited entries) that denies network logons outright and grants full access to the
 * user running Conduit and to no one else, not even Administrators or SYSTEM.
 */
final class PipeSecurity {
    private static final Pattern SID = Pattern.compile("S-1-\\d+(-\\d+)+");

    private PipeSecurity() {
    }

    /**
     * The SDDL string for a pipe only {@code userSid} may open.
     *
     * @param userSid the string form of the current user's SID, for example {@code S-1-5-21-1-2-3-1001}
     */
    static String ownerOnly(String userSid) {
        if (!SID.matcher(userSid).matches()) {
            throw new IllegalArgumentException("not a SID: " + userSid);
        }
        return "D:P(D;;GA;;;NU)(A;;GA;;;" + userSid + ")";
    }
}
