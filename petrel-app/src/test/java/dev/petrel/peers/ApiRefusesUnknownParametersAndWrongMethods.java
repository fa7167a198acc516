package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over curl against a real server: a misspelt or unknown query parameter is a 400 problem naming it
 * and the parameters the endpoint takes (never silently ignored), and a path that exists asked with
 * another method is a 405 problem with {@code Allow}; an unknown path stays a 404.
 */
class ApiRefusesUnknownParametersAndWrongMethods {

  @TempDir Path dir;

  @Test
  void unknownParametersAndWrongMethodsGetPreciseProblems() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir.resolve("data"))) {
      Http http = new Http(petrel.httpPort());
      String key = petrel.apiKey("acme");

      assertThat(http.curl("GET", "/api/v1/messages?status=queued&limit=5", key, null).status())
          .isEqualTo(200);
      String detail =
          http.curl("GET", "/api/v1/messages?stauts=queued", key, null)
              .problem(400)
              .get("detail")
              .asString();
      assertThat(detail).contains("'stauts'").contains("status").contains("limit");
      assertThat(
              http.curl("GET", "/api/v1/account?verbose=1", key, null)
                  .problem(400)
                  .get("detail")
                  .asString())
          .contains("'verbose'")
          .contains("takes none");

      Http.Answer put = http.curl("PUT", "/api/v1/messages", key, null);
      put.problem(405);
      assertThat(put.headers().get("allow")).isEqualTo("POST, GET");
      Http.Answer delete = http.curl("DELETE", "/api/v1/messages/1M96YF0GN5Q2GQRY", key, null);
      delete.problem(405);
      assertThat(delete.headers().get("allow")).isEqualTo("GET");

      http.curl("GET", "/api/v1/nothing-here", key, null).problem(404);
    }
  }
}
