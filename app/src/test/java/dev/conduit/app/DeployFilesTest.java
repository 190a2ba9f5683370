package dev.conduit.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployment files in deploy/ agree with the code: the Kubernetes ConfigMap holds a configuration Conduit accepts,
 * its secrets come from the Secret the Deployment reads, the probes and ports are the ones that configuration opens;
 * the nginx example passes {@code nginx -t}.
 */
class DeployFilesTest {
    private static final Path KUBERNETES = Path.of("../deploy/kubernetes");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    @TempDir
    Path dir;

    @Test
    void theKubernetesManifestsAgreeWithTheConfigurationTheyCarry() throws Exception {
        String yaml = manifest("configmap.yaml").get("data").get("conduit.yaml").asString().get();
        Config secret = manifest("secret.yaml");
        Config deployment = manifest("deployment.yaml");
        Map<String, String> environment = new java.util.HashMap<>();
        Matcher references = REFERENCE.matcher(yaml);
        while (references.find()) {
            String variable = references.group(1);
            assertThat(variable + " is a key of the Secret", secret.get("stringData").get(variable).exists(), is(true));
            environment.put(variable, "a-test-secret-of-enough-length-" + variable);
        }
        Path file = dir.resolve("conduit.yaml");
        Files.writeString(file, yaml);
        ConduitConfig config = ConduitConfig.load(file, environment);
        assertThat(config.cluster().secret().isPresent(), is(true));
        assertThat(config.rateLimits().store().isPresent(), is(true));

        Config container = deployment.get("spec.template.spec.containers.0");
        assertThat(container.get("envFrom.0.secretRef.name").asString().get(),
                   is(secret.get("metadata.name").asString().get()));
        assertThat(port(container, "mcp"), is(config.server().port()));
        assertThat(port(container, "ops"), is(config.server().opsPort()));
        assertThat(container.get("readinessProbe.httpGet.path").asString().get(), is("/observe/health/ready"));
        assertThat(container.get("readinessProbe.httpGet.port").asString().get(), is("ops"));
        assertThat(container.get("livenessProbe.httpGet.path").asString().get(), is("/observe/health/live"));
        assertThat(deployment.get("spec.template.spec.volumes.0.configMap.name").asString().get(),
                   is(manifest("configmap.yaml").get("metadata.name").asString().get()));
        assertThat(manifest("service.yaml").get("spec.ports.0.targetPort").asString().get(), is("mcp"));
        assertThat(manifest("service-ops.yaml").get("spec.ports.0.targetPort").asString().get(), is("ops"));
        assertThat("the store's Service is the one the configuration names",
                   yaml.contains("redis://" + manifest("redis-service.yaml").get("metadata.name").asString().get()
                                 + ":" + manifest("redis-service.yaml").get("spec.ports.0.port").asInt().get()),
                   is(true));
    }

    @Test
    void theNginxExamplePassesNginxsOwnCheck() throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        assumeTrue(Files.isExecutable(nginx) || System.getenv("CI") != null,
                   "nginx is not installed (Debian package nginx); .ci/run installs it");
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { }
                http {
                    access_log off;
                    include %2$s;
                }
                """.formatted(dir, Path.of("../deploy/nginx/conduit.conf").toAbsolutePath().normalize()));
        RunningConduit.Result check = RunningConduit.run(java.time.Duration.ofSeconds(30), nginx.toString(), "-t",
                                                         "-p", dir.toString(), "-c", conf.toString(),
                                                         "-e", dir.resolve("error.log").toString());
        assertThat(check.output(), check.exitCode(), is(0));
    }

    private static Config manifest(String name) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .disableValueResolving().sources(ConfigSources.file(KUBERNETES.resolve(name))).build();
    }

    private static int port(Config container, String name) {
        for (Config port : container.get("ports").asNodeList().get()) {
            if (port.get("name").asString().get().equals(name)) {
                return port.get("containerPort").asInt().get();
            }
        }
        throw new AssertionError("no container port named " + name);
    }
}
