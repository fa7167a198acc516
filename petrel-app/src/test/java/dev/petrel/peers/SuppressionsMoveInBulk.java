package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Suppression lists in bulk against a real server: curl imports another provider's CSV export
 * (extra columns, a header) and a JSON array, exports come back in both formats, the CLI reads the
 * API's export, and a file with one bad entry stores nothing, over the API (422 listing the line)
 * and the CLI (exit 2 listing the line). Lists stay per account.
 */
class SuppressionsMoveInBulk {

  @TempDir Path dir;
  RunningPetrel petrel;
  Http http;
  String key;

  @BeforeEach
  void start() throws Exception {
    petrel = RunningPetrel.start(dir.resolve("data"));
    http = new Http(petrel.httpPort());
    key = petrel.apiKey("acme");
  }

  @AfterEach
  void stop() {
    petrel.close();
  }

  @Test
  void csvAndJsonImportsAndExportsRoundTrip() throws Exception {
    Path csv = dir.resolve("other-provider.csv");
    Files.writeString(
        csv,
        "Email,Reason,CreatedAt\n"
            + "gone@example.org,hard_bounce,2026-01-01\n"
            + "\"Quoted.Person@Example.org\",,2026-01-02\n"
            + "gone@example.org,complaint,2026-01-03\n");
    Http.Answer imported =
        http.curl("POST", "/api/v1/suppressions/import", key, "@" + csv, "Content-Type: text/csv");
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    assertThat(imported.json().get("imported").asInt()).isEqualTo(2);
    assertThat(imported.json().get("added").asInt()).isEqualTo(2);

    Http.Answer json =
        http.curl(
            "POST",
            "/api/v1/suppressions/import",
            key,
            "[{\"address\":\"third@example.net\"},{\"address\":\"gone@example.org\",\"reason\":\"manual\"}]",
            "Content-Type: application/json");
    assertThat(json.status()).as(json.body()).isEqualTo(200);
    assertThat(json.json().get("added").asInt()).isEqualTo(1);
    assertThat(json.json().get("updated").asInt()).isEqualTo(1);

    Http.Answer exported = http.curl("GET", "/api/v1/suppressions/export?format=json", key, null);
    assertThat(exported.status()).isEqualTo(200);
    assertThat(exported.headers().get("content-disposition")).contains("suppressions.json");
    JsonNode list = exported.json();
    assertThat(list.size()).isEqualTo(3);
    assertThat(list.findValuesAsString("address"))
        .containsExactlyInAnyOrder(
            "gone@example.org", "quoted.person@example.org", "third@example.net");
    assertThat(list.findValuesAsString("reason")).contains("manual", "manual");

    Http.Answer asCsv = http.curl("GET", "/api/v1/suppressions/export", key, null);
    assertThat(asCsv.headers().get("content-type")).startsWith("text/csv");
    assertThat(asCsv.body().lines().findFirst().orElseThrow())
        .isEqualTo("address,reason,source,created");
    assertThat(asCsv.body().lines().count()).isEqualTo(4);

    // The CLI reads the API's CSV export into another account's list.
    Path file = dir.resolve("export.csv");
    Files.writeString(file, asCsv.body());
    Exec.Result cli =
        PetrelCli.run(
            "suppressions",
            "import",
            "--data-dir",
            petrel.dataDir().toString(),
            "--account",
            "default",
            file.toString());
    assertThat(cli.exit()).as(cli.all()).isZero();
    assertThat(cli.out()).contains("imported 3 addresses: 3 new");
    Exec.Result out =
        PetrelCli.run(
            "suppressions",
            "export",
            "--format",
            "json",
            "--data-dir",
            petrel.dataDir().toString(),
            "--account",
            "default");
    assertThat(out.exit()).as(out.all()).isZero();
    assertThat(out.out()).contains("\"third@example.net\"");
    // acme's list did not grow from the default account's import
    assertThat(http.curl("GET", "/api/v1/suppressions/export?format=json", key, null).json().size())
        .isEqualTo(3);
  }

  @Test
  void oneBadEntryStoresNothing() throws Exception {
    Http.Answer bad =
        http.curl(
            "POST",
            "/api/v1/suppressions/import",
            key,
            "address,reason\nok@example.org,manual\nnot an address,manual\nfine@example.org,Bad Reason\n",
            "Content-Type: text/csv");
    JsonNode p = bad.problem(422);
    assertThat(p.get("errors").findValuesAsString("pointer")).containsExactly("line 3", "line 4");
    assertThat(http.curl("GET", "/api/v1/suppressions/export?format=json", key, null).json().size())
        .isZero();

    assertThat(
            http.curl(
                    "POST", "/api/v1/suppressions/import", key, "a@b.c", "Content-Type: text/plain")
                .problem(415)
                .get("detail")
                .asString())
        .contains("text/csv");
    assertThat(
            http.curl("GET", "/api/v1/suppressions/export?format=xml", key, null)
                .problem(400)
                .get("detail")
                .asString())
        .contains("csv or json");

    Path file = dir.resolve("bad.json");
    Files.writeString(file, "[{\"address\":\"x@example.org\"},{\"address\":42}]");
    Exec.Result cli =
        PetrelCli.run(
            "suppressions", "import", "--data-dir", petrel.dataDir().toString(), file.toString());
    assertThat(cli.exit()).as(cli.all()).isEqualTo(2);
    assertThat(cli.err()).contains("entry 1").contains("nothing imported");
    Exec.Result list =
        PetrelCli.run("suppressions", "list", "--data-dir", petrel.dataDir().toString());
    assertThat(list.out()).as(list.all()).contains("No suppressed addresses.");
  }
}
