package dev.conduit.core.log;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** What is masked and what is not, as a table: every credential shape, and ordinary ids that must stay readable. */
class RedactorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            Authorization: Bearer abcdefghijklmnop                  | Authorization: [REDACTED]
            authorization: Basic dXNlcjpwYXNzd29yZA==              | authorization: [REDACTED]
            Cookie: session=abc123; theme=dark                      | Cookie: [REDACTED]
            X-Api-Key: 0123456789abcdef                             | X-Api-Key: [REDACTED]
            calling with bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl   | calling with Bearer [REDACTED]
            `{"token":"s3cr3t-value","id":7}`                       | `{"token":[REDACTED],"id":7}`
            `{"client_secret": "abc def", "name": "ok"}`           | `{"client_secret": [REDACTED], "name": "ok"}`
            `{'password': 'hunter22'}`                              | `{'password': [REDACTED]}`
            `{"refresh_token":"r\\"q"}`                             | `{"refresh_token":[REDACTED]}`
            https://api.example.com/v1?access_token=xyz987&page=2  | https://api.example.com/v1?access_token=[REDACTED]&page=2
            api_key=AbCdEf123456 retries=3                          | api_key=[REDACTED] retries=3
            password: hunter22                                      | password: [REDACTED]
            jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghij | jwt [REDACTED]
            postgres://admin:hunter22@db.internal:5432/app          | postgres://admin:[REDACTED]@db.internal:5432/app
            key sk-ant-api03-ABCDEFGHIJKLMNOPQRST                   | key [REDACTED]
            token ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123                | token [REDACTED]
            slack xoxb-1234567890-abcdefghij                        | slack [REDACTED]
            aws AKIAIOSFODNN7EXAMPLE                                | aws [REDACTED]
            google AIzaSyA-1234567890abcdefghijklmnopqrstu          | google [REDACTED]
            gitlab glpat-ABCDEFGHIJKLMNOPQRST                       | gitlab [REDACTED]
            github github_pat_ABCDEFGHIJKLMNOPQRSTUV               | github [REDACTED]
            sent BEARER abcdefghijklmnop                            | sent Bearer [REDACTED]
            SET-COOKIE: id=42                                       | SET-COOKIE: [REDACTED]
            DB_PASSWORD=hunter22 port=5432                          | DB_PASSWORD=[REDACTED] port=5432
            correlation id 9f3c2a1b7d6e5f40                         | correlation id 9f3c2a1b7d6e5f40
            session 123e4567-e89b-12d3-a456-426614174000           | session 123e4567-e89b-12d3-a456-426614174000
            tools/call everything__get-sum ok 1.2 ms                | tools/call everything__get-sum ok 1.2 ms
            maxTokens=500 tokenCount=3                              | maxTokens=500 tokenCount=3
            author=alice authored=yes                               | author=alice authored=yes
            principal=local method=tools/list                       | principal=local method=tools/list
            """)
    void masksCredentialsAndLeavesIdsAlone(String input, String expected) {
        assertThat(Redactor.redact(input), is(expected));
    }

    @Test
    void registeredSecretsAreMaskedWherever() {
        Redactor.register("the-configured-api-key-0042");
        assertThat(Redactor.redact("key the-configured-api-key-0042 rejected"), is("key [REDACTED] rejected"));
        assertThat(Redactor.redact("prefixthe-configured-api-key-0042suffix"), is("prefix[REDACTED]suffix"));
    }

    @Test
    void aTextFoundCleanIsJudgedAgainOnceASecretItHoldsIsRegistered() {
        String line = "upstream answered with qz-7f3e9d2c1b0a";
        assertThat(Redactor.redact(line), is(line));
        assertThat(Redactor.redact(line), is(line)); // now remembered as clean
        Redactor.register("qz-7f3e9d2c1b0a");
        assertThat(Redactor.redact(line), is("upstream answered with [REDACTED]"));
    }

    @Test
    void aMaskedTextIsMaskedEveryTimeItRecursAndManyCleanOnesChangeNothing() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(Redactor.redact("request " + i), is("request " + i));
            assertThat(Redactor.redact("password=hunter22"), is("password=[REDACTED]"));
        }
    }

    @Test
    void nestedValuesAreMaskedAtEveryDepth() {
        Map<String, Object> fields = Map.of(
                "event", "request",
                "headers", Map.of("Authorization", "Bearer abcdefghijklmnop", "Accept", "text/plain"),
                "upstream", List.of(Map.of("oauth", Map.of("client_secret", "hunter22222", "client_id", "conduit"))),
                "note", "retrying with password=hunter22",
                "count", 3);
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) Redactor.redactValue(fields);
        assertThat(out.get("event"), is("request"));
        assertThat(out.get("headers"), is(Map.of("Authorization", Redactor.MASK, "Accept", "text/plain")));
        assertThat(out.get("upstream"), is(List.of(Map.of("oauth", Map.of("client_secret", Redactor.MASK,
                                                                           "client_id", "conduit")))));
        assertThat(out.get("note"), is("retrying with password=[REDACTED]"));
        assertThat(out.get("count"), is(3));
    }

    @Test
    void aJsonTreeIsRedactedLikeTheMapsAndListsItHolds() {
        Map<String, Object> asMaps = Map.of(
                "tool", "everything__echo",
                "arguments", Map.of("message", "password=hunter22", "api_key", "abcdefghijklmnop",
                                    "nested", List.of(Map.of("token", "qrstuvwxyz012345", "n", 3))),
                "ok", true);
        Object fromTree = Redactor.redactValue(tools.jackson.databind.json.JsonMapper.builder().build()
                                                       .valueToTree(asMaps));
        assertThat(fromTree, is(Redactor.redactValue(asMaps)));
        assertThat(String.valueOf(fromTree), not(containsString("hunter22")));
    }
}
