package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * {@code bin/conduit --stdio} driven by two real clients that launch it: the official MCP TypeScript SDK client
 * through its stdio transport, and the MCP Inspector CLI (v2).
 */
class StdioIT {
    private static final Path EVERYTHING = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
    private static final Path FILESYSTEM = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void sdkClientInitializesListsCallsAndExecutesOverStdio() throws Exception {
        // The files upstream serves a file of 6 MB, whose answer (its text and its structured content) the official
        // client would not read: it closed the connection.
        Path folder = Files.createDirectories(dir.resolve("served"));
        Path large = Files.writeString(folder.resolve("large.txt"), "z".repeat(6_000_000));
        Path config = writeConfig();
        Files.writeString(config, """
                  - id: files
                    command: %s
                    args: [%s, %s]
                """.formatted(RunningConduit.NODE.toAbsolutePath(), FILESYSTEM, folder), StandardOpenOption.APPEND);
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(120), "env",
                "JAVA_HOME=" + System.getProperty("java.home"), "CONDUIT_API_KEY=" + RunningConduit.API_KEY,
                "CONDUIT_LIMITED_KEY=" + RunningConduit.LIMITED_KEY, RunningConduit.NODE.toString(), "stdio-client.mjs",
                RunningConduit.DIST.resolve("bin/conduit").toAbsolutePath().toString(), config.toString(),
                large.toRealPath().toString());
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        assertThat(seen.at("/server/name").asString(), is("conduit"));
        List<String> tools = StreamSupport.stream(seen.get("tools").spliterator(), false).map(JsonNode::asString)
                .toList();
        assertThat(run.output(), tools, hasItems("everything__echo", "execute_javascript", "conduit__search_tools"));
        assertThat(seen.at("/echo/content/0/text").asString(), is("Echo: over stdio"));
        assertThat(seen.at("/execute/structuredContent/result").asString(), is("Echo: from code"));
        assertThat(seen.get("large").toString(), seen.at("/large/isError").asBoolean(), is(true));
        assertThat(seen.at("/large/text").asString(), startsWith("The answer to tools/call is 12000"));
        assertThat(seen.at("/large/text").asString(), containsString("(transports.stdio.max-message-bytes)"));
        assertThat(seen.at("/after/content/0/text").asString(), is("Echo: still here"));
    }

    @Test
    void inspectorCliListsAndExecutesOverStdio() throws Exception {
        // The Inspector starts its server with a minimal environment, so the launcher carries what Conduit needs.
        Path launcher = stdioLauncher(dir);

        JsonNode listed = inspector(launcher, "--method", "tools/list");
        List<String> tools = listed.get("tools").valueStream().map(tool -> tool.get("name").asString()).toList();
        // The server's log says why, should an upstream's tools be missing.
        assertThat(tools + "\n" + Files.readString(dir.resolve("conduit.log")), tools,
                   hasItems("everything__echo", "execute_javascript"));

        JsonNode executed = inspector(launcher, "--method", "tools/call", "--tool-name", "execute_javascript",
                                      "--tool-arg", "code=return await tools.everything.echo({message: 'inspector'})");
        assertThat(executed.toString(), executed.at("/structuredContent/result").asString(), is("Echo: inspector"));

        // In the 2026-07-28 era the Inspector calls every tool through its tasks session; a tool the upstream runs
        // only as a task answers it like any other (the gateway runs the upstream's task), and as the call outlasts a
        // second it becomes a task of the gateway's, which the Inspector polls to its end.
        JsonNode researched = inspector(launcher, "--protocol-era", "modern", "--method", "tools/call", "--tool-name",
                                        "everything__simulate-research-query", "--tool-arg", "topic=seas");
        assertThat(researched.toString(), researched.at("/content/0/text").asString(),
                   containsString("Research Report: seas"));
    }

    /**
     * The shipped configuration serves a desktop client as its snippet in the README starts it: from {@code /}, with a
     * minimal environment and no terminal. The demo upstream's relative paths resolve against the configuration's
     * folder, and the shipped key may read but not write.
     */
    @Test
    void theShippedConfigurationServesADesktopClientStartedFromTheRoot() throws Exception {
        Path shipped = Path.of("../config/conduit.yaml").toAbsolutePath().normalize();
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(180),
                RunningConduit.NODE.toAbsolutePath().toString(), "desktop-client.mjs",
                RunningConduit.DIST.resolve("bin/conduit").toAbsolutePath().toString(), shipped.toString(),
                RunningConduit.API_KEY);
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode out = Json.mapper().readTree(run.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(out.toString(), out.has("failure"), is(false));
        List<String> tools = out.get("tools").valueStream().map(JsonNode::asString).toList();
        assertThat(out.toString(), tools, hasItems("files__read_text_file", "execute_javascript"));
        assertThat(out.toString(), tools.contains("files__write_file"), is(false));
        assertThat(out.toString(), out.at("/read/content/0/text").asString(), startsWith("sku,name,quantity"));
        assertThat(out.toString(), out.at("/execute/structuredContent/result").asString(), is("sku,name,quantity"));
        assertThat(out.toString(), out.at("/write/error/code").asInt(), is(-32602));
    }

    /**
     * {@code --stdio} on a configuration that names no key for it is refused with the fix in the message, before any
     * engine or upstream starts (it used to come after the engines had warmed up, some 45 s on a loaded machine).
     */
    @Test
    void stdioWithoutItsKeyIsRefusedBeforeAnythingStarts() throws Exception {
        Path config = dir.resolve("no-stdio-key.yaml");
        Files.writeString(config, RunningConduit.config(true));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(60), "/usr/bin/env",
                "JAVA_HOME=" + System.getProperty("java.home"), "CONDUIT_API_KEY=" + RunningConduit.API_KEY,
                "CONDUIT_LIMITED_KEY=" + RunningConduit.LIMITED_KEY,
                RunningConduit.DIST.resolve("bin/conduit").toAbsolutePath().toString(), "--config", config.toString(),
                "--stdio");
        assertThat(run.output(), run.exitCode(), is(2));
        assertThat(run.output(), containsString("transports.stdio.key: is required for --stdio"));
        assertThat(run.output(), not(containsString("engine rhino enabled"))); // no engine was set up
    }

    private Path writeConfig() throws Exception {
        return stdioConfig(dir);
    }

    /** A configuration for {@code --stdio}: key {@code it} on stdio, server-everything as {@code everything}. */
    static Path stdioConfig(Path dir) throws Exception {
        Path config = dir.resolve("conduit.yaml");
        Files.writeString(config, RunningConduit.config(true) + """
                transports:
                  stdio:
                    key: it
                upstreams:
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                """.formatted(RunningConduit.NODE.toAbsolutePath(), EVERYTHING));
        return config;
    }

    /**
     * A script that starts the distribution with {@code --stdio} on {@link #stdioConfig}, carrying the environment
     * Conduit needs (clients start their servers with a minimal one); Conduit's log goes to {@code conduit.log} to
     * keep the protocol stream apart.
     */
    static Path stdioLauncher(Path dir) throws Exception {
        Path config = stdioConfig(dir);
        Path launcher = dir.resolve("conduit-stdio.sh");
        Files.writeString(launcher, """
                #!/bin/sh
                export JAVA_HOME='%s' CONDUIT_API_KEY='%s' CONDUIT_LIMITED_KEY='%s'
                exec '%s' --config '%s' --stdio 2>>'%s'
                """.formatted(System.getProperty("java.home"), RunningConduit.API_KEY, RunningConduit.LIMITED_KEY,
                              RunningConduit.DIST.resolve("bin/conduit").toAbsolutePath(), config,
                              dir.resolve("conduit.log")));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        return launcher;
    }

    /** Runs the Inspector CLI against the launcher; returns the JSON it printed. */
    private static JsonNode inspector(Path launcher, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                RunningConduit.NODE.toAbsolutePath().toString(),
                RunningConduit.INTEROP.resolve("node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js")
                        .toAbsolutePath().toString(),
                "--cli", launcher.toString()));
        command.addAll(List.of(options));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(120), command.toArray(String[]::new));
        assertThat(run.output(), run.exitCode(), is(0));
        String output = run.output();
        return Json.mapper().readTree(output.substring(output.indexOf('{'), output.lastIndexOf('}') + 1));
    }
}
