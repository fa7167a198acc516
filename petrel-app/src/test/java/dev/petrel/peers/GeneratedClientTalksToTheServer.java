package dev.petrel.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.petrel.client.ApiClient;
import dev.petrel.client.ApiException;
import dev.petrel.client.api.AccountApi;
import dev.petrel.client.api.ExplainApi;
import dev.petrel.client.api.MessagesApi;
import dev.petrel.client.api.SuppressionsApi;
import dev.petrel.client.model.Address;
import dev.petrel.client.model.AddressOneOf;
import dev.petrel.client.model.Attempt;
import dev.petrel.client.model.Bounce;
import dev.petrel.client.model.Message;
import dev.petrel.client.model.MessageAccepted;
import dev.petrel.client.model.MessageRequest;
import dev.petrel.client.model.MessageSource;
import dev.petrel.client.model.MessageSummary;
import dev.petrel.client.model.Problem;
import dev.petrel.client.model.Reason;
import dev.petrel.client.model.RecipientState;
import dev.petrel.client.model.Suppression;
import dev.petrel.client.model.SuppressionRequest;
import dev.petrel.client.model.Who;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client that openapi-generator makes from the served OpenAPI document (library native,
 * java.net.http; generated into target/generated-test-sources by the test build) works against a
 * real Petrel that delivers to Postfix's smtp-sink: it sends a message, follows it to delivered,
 * lists and reads it, adds and lists suppressions, reads a problem document, and cannot see another
 * account's message. Its JSON mapper refuses unknown fields here, so an answer with a field the
 * document does not declare fails too.
 */
class GeneratedClientTalksToTheServer {

  @TempDir Path dir;
  DeliveringPetrel petrel;

  @BeforeEach
  void start() throws Exception {
    petrel = DeliveringPetrel.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (petrel != null) petrel.close();
  }

  private ApiClient client(String key) {
    ApiClient c =
        new ApiClient(
            HttpClient.newBuilder(),
            ApiClient.createDefaultObjectMapper(),
            "http://127.0.0.1:" + petrel.petrel.httpPort());
    c.getObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    c.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + key));
    c.setReadTimeout(Duration.ofSeconds(30));
    return c;
  }

  @Test
  void sendsListsReadsAndSuppresses() throws Exception {
    ApiClient acme = client(petrel.petrel.apiKey("acme"));
    MessagesApi messages = new MessagesApi(acme);
    SuppressionsApi suppressions = new SuppressionsApi(acme);

    MessageAccepted sent =
        messages.sendMessage(
            new MessageRequest()
                .from(new Address("Acme <app@example.com>"))
                .to(
                    List.of(
                        new Address("ann@" + DeliveringPetrel.DOMAIN),
                        new Address(
                            new AddressOneOf()
                                .email("bob@" + DeliveringPetrel.DOMAIN)
                                .name("Bob"))))
                .subject("From the generated client")
                .text("Hello from java.net.http")
                .tags(List.of("generated")),
            "generated-client-1");
    assertThat(sent.getStatus()).isEqualTo(MessageAccepted.StatusEnum.QUEUED);
    assertThat(sent.getRecipients()).hasSize(2);
    String id = sent.getId();

    // delivered to smtp-sink: the client reads each recipient's state and the explained reply
    Message m =
        await()
            .atMost(DeliveringPetrel.GUARD)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> messages.getMessage(id),
                msg ->
                    msg.getRecipients().stream()
                        .allMatch(r -> r.getState() == RecipientState.DELIVERED));
    assertThat(m.getSource()).isEqualTo(MessageSource.API);
    assertThat(m.getHeaders()).containsEntry("Subject", "From the generated client");
    Attempt a = m.getRecipients().getFirst().getAttempts().getFirst();
    assertThat(a.getCode()).isEqualTo(250);
    assertThat(a.getFinal()).isTrue();
    assertThat(a.getBounce()).isEqualTo(Bounce.NONE);
    assertThat(a.getReason()).isEqualTo(Reason.DELIVERED);
    assertThat(a.getExplanation().getWho()).isEqualTo(Who.NOBODY);
    assertThat(petrel.delivered(1).getFirst()).contains("Subject: From the generated client");

    List<MessageSummary> page =
        messages
            .listMessages(RecipientState.DELIVERED, null, null, null, null, null, 10, null)
            .getData();
    assertThat(page).extracting(MessageSummary::getId).contains(id);

    // suppressions: add, list, and a send to a suppressed address says so
    Suppression s =
        suppressions.addSuppression(
            new SuppressionRequest().address("cy@" + DeliveringPetrel.DOMAIN).reason("complaint"));
    assertThat(s.getReason()).isEqualTo("complaint");
    assertThat(suppressions.listSuppressions(null, null).getData())
        .extracting(Suppression::getAddress)
        .containsExactly("cy@" + DeliveringPetrel.DOMAIN);
    MessageAccepted refused =
        messages.sendMessage(
            new MessageRequest()
                .from(new Address("app@example.com"))
                .to(List.of(new Address("cy@" + DeliveringPetrel.DOMAIN)))
                .subject("Never sent")
                .text("Hi"),
            null);
    assertThat(refused.getStatus()).isEqualTo(MessageAccepted.StatusEnum.SUPPRESSED);

    assertThat(new ExplainApi(acme).explain("550 5.1.1 No such user").getReason())
        .isEqualTo(Reason.USERUNKNOWN);
    assertThat(new AccountApi(acme).getAccount().getName()).isEqualTo("acme");

    // a problem document comes back as the exception's body, in the document's Problem shape
    ApiException missing =
        catchThrowableOfType(ApiException.class, () -> messages.getMessage("NOSUCHMESSAGE"));
    assertThat(missing.getCode()).isEqualTo(404);
    Problem p = acme.getObjectMapper().readValue(missing.getResponseBody(), Problem.class);
    assertThat(p.getStatus()).isEqualTo(404);
    assertThat(p.getType().toString()).isEqualTo("https://petrel.dev/problems/not-found");

    // another account's key cannot read acme's message nor its suppressions
    ApiClient other = client(petrel.petrel.apiKey("other"));
    ApiException hidden =
        catchThrowableOfType(ApiException.class, () -> new MessagesApi(other).getMessage(id));
    assertThat(hidden.getCode()).isEqualTo(404);
    assertThat(new SuppressionsApi(other).listSuppressions(null, null).getData()).isEmpty();
  }
}
