package dev.jury.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * There is no Docker or Kubernetes on the build machines, so the manifests are checked here: they parse, the
 * Deployment runs at least two replicas with probes on the health endpoints Jury serves, and every environment
 * variable they set is one Jury reads.
 */
class DeploymentManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode doc = iterator.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static JsonNode kind(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.at("/metadata/name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void kubernetesDeploymentIsHighlyAvailableWithProbes() throws IOException {
        var docs = documents(Path.of("deploy/k8s/jury.yaml"));
        JsonNode deployment = kind(docs, "Deployment", "jury");
        assertTrue(deployment.at("/spec/replicas").asInt() >= 2, "at least two replicas");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        kind(docs, "Service", "jury");
        kind(docs, "Ingress", "jury");
        for (String file : List.of("postgres.yaml", "keycloak.yaml", "secrets.template.yaml")) {
            assertTrue(!documents(Path.of("deploy/k8s", file)).isEmpty(), file);
        }
    }

    @Test
    void everyEnvironmentVariableSetIsOneJuryReads() throws IOException {
        Set<String> known = knownVariables();
        var env = new ArrayList<String>();
        kind(documents(Path.of("deploy/k8s/jury.yaml")), "Deployment", "jury")
                .at("/spec/template/spec/containers/0/env").forEach(e -> env.add(e.path("name").asText()));
        JsonNode compose = documents(Path.of("deploy/compose.yaml")).get(0);
        compose.at("/services/jury/environment").fieldNames().forEachRemaining(env::add);
        for (String variable : env) {
            assertTrue(known.contains(variable), variable + " is not read by Jury (application.properties)");
        }
    }

    /** Variables referenced as ${VAR…} in application.properties, plus the env form of every quarkus/jury key. */
    static Set<String> knownVariables() throws IOException {
        String text = Files.readString(Path.of("src/main/resources/application.properties"));
        Set<String> known = new HashSet<>();
        var matcher = java.util.regex.Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(text);
        while (matcher.find()) {
            known.add(matcher.group(1));
        }
        var properties = new Properties();
        properties.load(new java.io.StringReader(text));
        for (String key : properties.stringPropertyNames()) {
            String bare = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            known.add(bare.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
        }
        // LLM provider keys are a documented map (jury.llm.providers.<provider>.*), not listed one by one.
        known.add("JURY_LLM_PROVIDERS_OPENAI_API_KEY");
        known.add("QUARKUS_OIDC_TOKEN_ISSUER");
        return known;
    }
}
