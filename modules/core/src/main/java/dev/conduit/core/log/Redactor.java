package dev.conduit.core.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Masks secrets in what is about to be logged: the one place redaction happens. Conduit's log formatter passes every
 * record through it (message, structured fields however deeply nested, exception messages and stacks), so a secret
 * that reaches a log call anyway is still not written. Masked: the values of secrets the configuration resolved
 * ({@link #register}), {@code Authorization}, {@code Cookie} and API-key headers, the values of keys named like
 * credentials ({@code password}, {@code token}, {@code client_secret}, ...) in JSON, query strings and
 * {@code key=value} text, bearer tokens, JWTs, URL passwords, and the shapes of common provider keys. Ordinary ids
 * (UUIDs, correlation ids, tool names, counts) are left alone.
 */
public final class Redactor {
    /** What a secret is replaced with. */
    public static final String MASK = "[REDACTED]";
    private static final int MIN_REGISTERED_LENGTH = 6;
    private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

    private static final String SENSITIVE_KEY = "(?:[A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key"
            + "|apikey|access[_-]?key|private[_-]?key|credentials?|authorization|auth|cookie|session[_-]?secret))";
    private static final Pattern SENSITIVE_NAME = Pattern.compile("(?i)" + SENSITIVE_KEY);
    /** What every name {@link #SENSITIVE_KEY} matches contains, in any case. */
    private static final String[] SENSITIVE_WORDS = {"pass", "pwd", "secret", "token", "key", "credential", "auth",
                                                     "cookie"};
    // Each rule with a cheap test its matches cannot do without: a line is redacted per record and event, most of its
    // parts (ids, method names, outcome words) pass every test, and running all six patterns on each part cost about
    // 80 microseconds of CPU per logged request (a third of what a ping cost the server).
    private static final List<Rule> RULES = List.of(
            // Authorization: Bearer x, Cookie: a=b; c=d, X-Api-Key: x (to the end of the line)
            new Rule("(?i)\\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|api-key)(\\s*:\\s*)([^\\r\\n]+)",
                     "$1$2" + MASK, text -> text.original().indexOf(':') >= 0
                                           && text.containsAny("authorization", "cookie", "api-key")),
            // "token": "x", 'password': 'x', token=x, access_token=x in query strings, secret: x
            new Rule("(?i)([\"']?\\b" + SENSITIVE_KEY + "[\"']?\\s*[:=]\\s*)(?!\\[REDACTED])"
                     + "(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^\\s,;&}\\]\"')]+)",
                     "$1" + MASK, text -> (text.original().indexOf(':') >= 0 || text.original().indexOf('=') >= 0)
                                     && text.containsAny(SENSITIVE_WORDS)),
            new Rule("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{8,}", "Bearer " + MASK,
                     text -> text.containsAny("bearer")),
            new Rule("\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}", MASK,
                     text -> text.original().contains("eyJ")),
            // user:password@ in URLs
            new Rule("(?i)(\\b[a-z][a-z0-9+.-]*://[^:/\\s@]+:)[^@/\\s]+(@)", "$1" + MASK + "$2",
                     text -> text.original().contains("://")),
            // Provider key shapes: OpenAI/Anthropic, GitHub, Slack, AWS access key ids, Google API keys, GitLab
            new Rule("\\b(?:sk-(?:ant-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
                     + "|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,})",
                     MASK, text -> text.containsExactly("sk-", "gh", "github_pat_", "xox", "AKIA", "AIza", "glpat-")));
    /** Names already judged by {@link #isSensitiveName}: event fields use a handful of names, again and again. */
    private static final Map<String, Boolean> JUDGED_NAMES = new ConcurrentHashMap<>();
    private static final int MAX_JUDGED_NAMES = 1024;
    /**
     * Short texts found to hold no secret: a logged request's field names and most of its values (event, principal,
     * tool, outcome) recur on every line, and testing each against every rule was a tenth of a direct tool call's CPU.
     * Replaced whole when a secret is registered; emptied when full.
     */
    private static volatile Map<String, Boolean> clean = new ConcurrentHashMap<>();
    private static final int MAX_CLEAN = 4096;
    private static final int MAX_CLEAN_LENGTH = 128;

    /** A pattern, its replacement, and a test every text it can match passes (false: the pattern is not run). */
    private record Rule(Pattern pattern, String replacement, Predicate<Candidate> mayMatch) {
        Rule(String regex, String replacement, Predicate<Candidate> mayMatch) {
            this(Pattern.compile(regex), replacement, mayMatch);
        }
    }

    /**
     * A text the rules' tests look at, lower-cased once for those that ignore case: the patterns ignore ASCII case
     * only, so a lower-cased copy finds every text they can match. (Comparing ignoring case at every position, word
     * after word, was a twentieth of a direct tool call's CPU.)
     */
    private static final class Candidate {
        private final String original;
        private String lower;

        Candidate(String original) {
            this.original = original;
        }

        String original() {
            return original;
        }

        /** Whether the text contains one of {@code words} (lower case), ignoring case. */
        boolean containsAny(String... words) {
            if (lower == null) {
                lower = original.toLowerCase(Locale.ROOT);
            }
            for (String word : words) {
                if (lower.contains(word)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the text contains one of {@code parts} exactly. */
        boolean containsExactly(String... parts) {
            for (String part : parts) {
                if (original.contains(part)) {
                    return true;
                }
            }
            return false;
        }
    }

    private Redactor() {
    }

    /** Masks {@code secret} wherever it appears from now on (API keys, upstream credentials, fetched tokens). */
    public static void register(String secret) {
        if (secret != null && secret.length() >= MIN_REGISTERED_LENGTH) {
            REGISTERED.add(secret);
            // Texts found clean before may hold it: forgotten. The secret is added first, so that whatever the new
            // memory learns was judged with it.
            clean = new ConcurrentHashMap<>();
        }
    }

    /** Whether a name (a config key, a JSON member, a header) names a credential. */
    public static boolean isSensitiveName(String name) {
        Boolean judged = JUDGED_NAMES.get(name);
        if (judged != null) {
            return judged;
        }
        boolean sensitive = SENSITIVE_NAME.matcher(name).matches();
        if (JUDGED_NAMES.size() < MAX_JUDGED_NAMES) {
            JUDGED_NAMES.put(name, sensitive);
        }
        return sensitive;
    }

    /** {@code text} with every secret masked. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        Map<String, Boolean> judged = clean;
        boolean remember = text.length() <= MAX_CLEAN_LENGTH;
        if (remember && judged.containsKey(text)) {
            return text;
        }
        String out = text;
        for (String secret : REGISTERED) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        Candidate candidate = new Candidate(out);
        for (Rule rule : RULES) {
            if (!rule.mayMatch().test(candidate)) {
                continue;
            }
            Matcher matcher = rule.pattern().matcher(out);
            if (matcher.find()) {
                out = matcher.replaceAll(rule.replacement());
                candidate = new Candidate(out);
            }
        }
        if (remember && out.equals(text)) {
            if (judged.size() >= MAX_CLEAN) {
                judged.clear(); // unique texts (times, ids) filled it: the ones that recur come back at once
            }
            judged.put(text, Boolean.TRUE);
        }
        return out;
    }

    /**
     * {@code value} with every secret masked, however deeply nested: maps (whose plain members named like credentials
     * are masked whole), collections, arrays and text; numbers, booleans and null as they are.
     */
    public static Object redactValue(Object value) {
        return switch (value) {
            case null -> null;
            case Number number -> number;
            case Boolean bool -> bool;
            case CharSequence text -> redact(text.toString());
            case Map<?, ?> map -> {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((key, member) -> {
                    String name = String.valueOf(key);
                    boolean scalar = !(member instanceof Map || member instanceof Collection || member == null
                                       || member instanceof JsonNode node && (node.isContainer() || node.isNull()));
                    out.put(redact(name), isSensitiveName(name) && scalar ? MASK : redactValue(member));
                });
                yield out;
            }
            case Collection<?> items -> {
                List<Object> out = new ArrayList<>(items.size());
                items.forEach(item -> out.add(redactValue(item)));
                yield out;
            }
            case Object[] items -> redactValue(List.of(items));
            case JsonNode node -> redactNode(node);
            default -> redact(String.valueOf(value));
        };
    }

    /** A JSON tree as the maps, lists and scalars {@link #redactValue} makes of them, redacted in the same walk. */
    private static Object redactNode(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> members = new LinkedHashMap<>();
            node.properties().forEach(member -> members.put(member.getKey(), member.getValue()));
            return redactValue(members);
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.forEach(items::add);
            return redactValue(items);
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.isNull() || node.isMissingNode() ? null : redact(node.asString());
    }
}
