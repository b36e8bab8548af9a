package dev.jury.rubrics;

import dev.jury.judges.ApiFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jury.judges.ApiFixtures.level;
import static dev.jury.judges.ApiFixtures.qualityRubric;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class RubricApiTest {

    private static ValidatableResponse put(String exp, String name, Object body) {
        return given().contentType(ContentType.JSON).body(body)
                .put("/api/v1/experiments/" + exp + "/rubrics/" + name).then();
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        var copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @Test
    void firstSaveCreatesVersionOne() {
        String exp = ApiFixtures.experiment();
        put(exp, "product_quality", qualityRubric())
                .statusCode(201)
                .header("Location", containsString("/api/v1/experiments/" + exp + "/rubrics/product_quality?version=1"))
                .body("name", equalTo("product_quality"))
                .body("version", equalTo(1))
                .body("kind", equalTo("categorical"))
                .body("levels.value", contains("excellent", "good", "fair", "poor"))
                .body("levels[2].negative", equalTo(true))
                .body("allowed_values", contains("excellent", "good", "fair", "poor"))
                .body("guidelines", equalTo("Judge the final answer only."))
                .body("rationale_required", equalTo(true))
                .body("min_rationale_length", equalTo(10))
                .body("pass_threshold", nullValue())
                .body("fingerprint", matchesPattern("[0-9a-f]{64}"))
                .body("created_by", equalTo("admin"))
                .body("created_at", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void unchangedContentReturnsTheSameVersionWith200() {
        String exp = ApiFixtures.experiment();
        String fingerprint = put(exp, "q", qualityRubric()).statusCode(201).extract().path("fingerprint");
        // only whitespace differs: the same content
        put(exp, "q", with(qualityRubric(), "guidelines", "  Judge the final answer only.\r\n"))
                .statusCode(200).body("version", equalTo(1)).body("fingerprint", equalTo(fingerprint));
        given().get("/api/v1/experiments/" + exp + "/rubrics/q/versions").then().statusCode(200)
                .body("$", hasSize(1));
    }

    @Test
    void changedContentMakesTheNextVersionAndKeepsTheOld() {
        String exp = ApiFixtures.experiment();
        put(exp, "q", qualityRubric()).statusCode(201).body("version", equalTo(1));
        put(exp, "q", with(qualityRubric(), "guidelines", "Ignore tone.")).statusCode(201).body("version", equalTo(2));
        put(exp, "q", with(qualityRubric(), "rationale_required", false)).statusCode(201).body("version", equalTo(3));

        given().get("/api/v1/experiments/" + exp + "/rubrics/q").then().statusCode(200)
                .body("version", equalTo(3)).body("rationale_required", equalTo(false));
        given().get("/api/v1/experiments/" + exp + "/rubrics/q?version=1").then().statusCode(200)
                .body("version", equalTo(1)).body("guidelines", equalTo("Judge the final answer only."));
        given().get("/api/v1/experiments/" + exp + "/rubrics/q/versions").then().statusCode(200)
                .body("version", contains(3, 2, 1))
                .body("created_by", hasItem("admin"))
                .body("[0].levels", equalTo(4));
        given().get("/api/v1/experiments/" + exp + "/rubrics").then().statusCode(200)
                .body("name", contains("q")).body("[0].version", equalTo(3));
    }

    @Test
    void numericRubricDerivesPolarityFromTheThresholdAndAcceptsNumbers() {
        String exp = ApiFixtures.experiment();
        var body = Map.of("kind", "numeric", "pass_threshold", "3.0", "rationale_required", false,
                "levels", List.of(level(1, "Useless", "Nothing usable.", false),
                        level(2, "Weak", "Mostly unusable.", false),
                        level(3, "Adequate", "Usable with edits.", false),
                        level(4, "Good", "Usable as is.", false)));
        put(exp, "helpfulness", body).statusCode(201)
                .body(containsString("\"pass_threshold\":3,"))
                .body("kind", equalTo("numeric"))
                .body("pass_threshold", equalTo(3))
                .body("levels.value", contains("1", "2", "3", "4"))
                .body("levels.negative", contains(true, true, false, false));
    }

    @Test
    void everyValidationRuleIsA422WithFieldErrors() {
        String exp = ApiFixtures.experiment();
        // one negative level only: no passing side
        var allNegative = with(qualityRubric(), "levels", List.of(level("bad", "Bad", "Bad.", true),
                level("worse", "Worse", "Worse.", true)));
        expect422(put(exp, "q", allNegative), "levels", "at least one level must not be negative");
        // no negative level: no failing side
        var noNegative = with(qualityRubric(), "levels", List.of(level("ok", "Ok", "Ok.", false),
                level("fine", "Fine", "Fine.", false)));
        expect422(put(exp, "q", noNegative), "levels", "mark at least one level as negative");
        // a single level
        expect422(put(exp, "q", with(qualityRubric(), "levels", List.of(level("ok", "Ok", "Ok.", false)))),
                "levels", "at least two levels");
        // duplicate values, ignoring case
        var duplicate = with(qualityRubric(), "levels", List.of(level("good", "Good", "Good.", false),
                level(" GOOD ", "Also good", "Good too.", true)));
        expect422(put(exp, "q", duplicate), "levels[1].value", "values must be unique");
        // a level without definition
        var noDefinition = with(qualityRubric(), "levels", List.of(level("good", "Good", "", false),
                level("bad", "Bad", "Bad.", true)));
        expect422(put(exp, "q", noDefinition), "levels[0].definition", "has no definition");
        // a level without label
        var noLabel = with(qualityRubric(), "levels", List.of(level("good", " ", "Good.", false),
                level("bad", "Bad", "Bad.", true)));
        expect422(put(exp, "q", noLabel), "levels[0].label", "has no label");
        // missing kind
        var noKind = new HashMap<>(qualityRubric());
        noKind.remove("kind");
        expect422(put(exp, "q", noKind), "kind", "Choose a value type");
        // unknown kind
        expect422(put(exp, "q", with(qualityRubric(), "kind", "likert")), "kind", "'likert' is not a value type");
        // boolean with a foreign value
        var badBoolean = Map.of("kind", "boolean", "levels", List.of(level("yes", "Yes", "Cites.", false),
                level("maybe", "Maybe", "Unsure.", true)));
        expect422(put(exp, "q", badBoolean), "levels[1].value", "is not a boolean value");
        // numeric without threshold, with a non-number
        var numeric = Map.of("kind", "numeric", "levels", List.of(level("1", "One", "Bad.", true),
                level("high", "High", "Good.", false)));
        expect422(put(exp, "q", numeric), "pass_threshold", "needs a pass threshold")
                .body("errors.field", hasItem("levels[1].value"));
        // threshold on a categorical rubric
        expect422(put(exp, "q", with(qualityRubric(), "pass_threshold", 3)), "pass_threshold",
                "Only a numeric rubric has a pass threshold");
        expect422(put(exp, "q", with(qualityRubric(), "pass_threshold", "three")), "pass_threshold",
                "must be a number");
        // negative minimum rationale length
        expect422(put(exp, "q", with(qualityRubric(), "min_rationale_length", -1)), "min_rationale_length",
                "cannot be negative");
        // name rule = judge name rule
        expect422(put(exp, "Bad-Name", qualityRubric()), "name", "is not a valid judge name");

        // nothing was stored by any of them
        given().get("/api/v1/experiments/" + exp + "/rubrics/q").then().statusCode(404);
    }

    private static ValidatableResponse expect422(ValidatableResponse response, String field, String message) {
        return response.statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("errors.find { it.field == '" + field + "' }.message", containsString(message));
    }

    @Test
    void unknownRubricVersionOrExperimentIs404Naming() {
        String exp = ApiFixtures.experiment();
        given().get("/api/v1/experiments/" + exp + "/rubrics/nope").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("'nope'"));
        put(exp, "q", qualityRubric()).statusCode(201);
        given().get("/api/v1/experiments/" + exp + "/rubrics/q?version=7").then().statusCode(404)
                .body("detail", containsString("no version 7"));
        given().get("/api/v1/experiments/no-such-exp/rubrics/q").then().statusCode(404)
                .body("detail", containsString("no-such-exp"));
        put("no-such-exp", "q", qualityRubric()).statusCode(404);
    }

    @Test
    void malformedJsonIsA400Problem() {
        String exp = ApiFixtures.experiment();
        given().contentType(ContentType.JSON).body("{\"kind\": \"boolean\", \"levels\": \"yes\"}")
                .put("/api/v1/experiments/" + exp + "/rubrics/q").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{not json").put("/api/v1/experiments/" + exp + "/rubrics/q")
                .then().statusCode(400);
    }

    @Test
    @TestSecurity(user = "alice", roles = "reviewer")
    void reviewerIsForbidden() {
        put("any", "q", qualityRubric()).statusCode(403).contentType("application/problem+json");
        given().get("/api/v1/experiments/any/rubrics/q").then().statusCode(403);
    }

    @Test
    @TestSecurity(user = "svc", roles = "service")
    void serviceMayReadButNotSave() {
        put("any", "q", qualityRubric()).statusCode(403);
        given().get("/api/v1/experiments/no-such-exp/rubrics/q").then().statusCode(404);
    }
}
