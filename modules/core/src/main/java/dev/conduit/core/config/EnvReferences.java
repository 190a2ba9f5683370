package dev.conduit.core.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conduit.core.log.Redactor;

/** Replaces {@code ${VAR}} in configuration values with the gateway's environment variables. */
public final class EnvReferences {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private EnvReferences() {
    }

    /** {@code value} with every reference replaced; an unset variable stops start-up naming {@code key}. */
    public static String resolve(String key, String value, Map<String, String> environment) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1);
            String replacement = environment.get(variable);
            if (replacement == null) {
                throw new InvalidConfigException(key, "refers to the environment variable " + variable
                                                      + ", which is not set");
            }
            if (Redactor.isSensitiveName(key.substring(key.lastIndexOf('.') + 1))
                || Redactor.isSensitiveName(variable)) {
                Redactor.register(replacement); // a credential: masked in every log line from now on
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
