package dev.jury.experiments;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
class ExperimentApiTest {

    static String uniqueName() {
        return "exp-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void createsAndListsAnExperiment() {
        String name = uniqueName();
        given().contentType(ContentType.JSON).body(Map.of("name", name, "description", "Support bot answers"))
                .post("/api/v1/experiments")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/experiments/" + name))
                .body("name", equalTo(name))
                .body("description", equalTo("Support bot answers"))
                .body("created_by", equalTo("admin"));

        given().get("/api/v1/experiments")
                .then().statusCode(200).body("name", hasItem(name));
        given().get("/api/v1/experiments/" + name)
                .then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void duplicateNameIsAConflict() {
        String name = uniqueName();
        given().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/v1/experiments")
                .then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/v1/experiments")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("already exists"));
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void badNameIsRefusedNamingTheRule() {
        for (String bad : new String[]{"Has Spaces", "UPPER", "", "a".repeat(65), "semi;colon"}) {
            given().contentType(ContentType.JSON).body(Map.of("name", bad)).post("/api/v1/experiments")
                    .then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("detail", containsString("[a-z0-9-]{1,64}"))
                    .body("errors[0].field", equalTo("name"));
        }
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void wrongShapeAndBrokenJsonAre400Problems() {
        given().contentType(ContentType.JSON).body("{\"name\": [\"a\"]}").post("/api/v1/experiments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("name"));
        given().contentType(ContentType.JSON).body("{not json").post("/api/v1/experiments")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void unknownExperimentIs404Problem() {
        given().get("/api/v1/experiments/no-such-thing")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("no-such-thing"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        given().contentType(ContentType.JSON).body(Map.of("name", uniqueName())).post("/api/v1/experiments")
                .then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
    }

    @Test
    void anonymousGets401Problem() {
        given().get("/api/v1/experiments")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401));
    }

    @Test
    void invalidTokenGets401Problem() {
        given().auth().oauth2("not.a.token").get("/api/v1/experiments")
                .then().statusCode(401).contentType("application/problem+json");
    }
}
