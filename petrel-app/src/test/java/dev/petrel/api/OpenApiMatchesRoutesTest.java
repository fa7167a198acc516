package dev.petrel.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document and the server's route table describe the same endpoints: every route
 * is in the document with its method and path, and the document names no route that does not exist.
 * Every operation documents its error answers as problem documents.
 */
class OpenApiMatchesRoutesTest {

  @Test
  void documentAndRoutesAgree() {
    JsonNode doc = StatusJson.MAPPER.readTree(OpenApiDocument.load());
    Set<String> documented = new TreeSet<>();
    for (var path : doc.get("paths").properties())
      for (var op : path.getValue().properties())
        documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
    Set<String> served = new TreeSet<>();
    for (Route r : ApiServer.routes(null)) served.add(r.method().name() + " " + r.path());
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void authenticatedOperationsDocument401AndProblemsUseTheProblemSchema() {
    JsonNode doc = StatusJson.MAPPER.readTree(OpenApiDocument.load());
    for (Route r : ApiServer.routes(null)) {
      JsonNode op = doc.get("paths").get(r.path()).get(r.method().name().toLowerCase(Locale.ROOT));
      assertThat(op.get("operationId")).as(r.path()).isNotNull();
      if (r.authenticated())
        assertThat(op.get("responses").has("401")).as(r.method() + " " + r.path()).isTrue();
      else assertThat(op.get("security").size()).as(r.path()).isZero();
    }
    assertThat(
            doc.at("/components/responses/Problem/content/application~1problem+json/schema/$ref")
                .asString())
        .isEqualTo("#/components/schemas/Problem");
  }
}
