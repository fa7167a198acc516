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
import dev.petrel.client.model.BatchItemResult;
import dev.petrel.client.model.BatchRequest;
import dev.petrel.client.model.BatchResult;
import dev.petrel.client.model.Bounce;
import dev.petrel.client.model.Message;
import dev.petrel.client.model.MessageAccepted;
import dev.petrel.client.model.MessageRequest;
import dev.petrel.client.model.MessageRequestMetadataValue;
import dev.petrel.client.model.MessageSource;
import dev.petrel.client.model.MessageSummary;
import dev.petrel.client.model.Problem;
import dev.petrel.client.model.Reason;
import dev.petrel.client.model.RecipientState;
import dev.petrel.client.model.Suppression;
import dev.petrel.client.model.SuppressionRequest;
import dev.petrel.client.model.Who;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client that openapi-generator makes from the served OpenAPI document (library native,
 * java.net.http; generated into target/generated-test-sources by the test build) works against a
 * real Petrel that delivers to Postfix's smtp-sink: it sends a message with tags and typed
 * metadata, follows it to delivered, lists, searches and reads it, sends a batch with a good and a
 * bad message, adds and lists suppressions, reads a problem document, and cannot see another
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
                .tags(List.of("generated"))
                .metadata(
                    Map.of(
                        "order", new MessageRequestMetadataValue(new BigDecimal(42)),
                        "vip", new MessageRequestMetadataValue(true),
                        "customer", new MessageRequestMetadataValue("c-7"))),
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
    // tags and metadata come back, each metadata value of the type it was sent with
    assertThat(m.getTags()).containsExactly("generated");
    assertThat(m.getSubject()).isEqualTo("From the generated client");
    assertThat(m.getMessageId()).isEqualTo(sent.getMessageId());
    assertThat(m.getMetadata().get("order").getActualInstance()).isEqualTo(new BigDecimal(42));
    assertThat(m.getMetadata().get("vip").getActualInstance()).isEqualTo(true);
    assertThat(m.getMetadata().get("customer").getActualInstance()).isEqualTo("c-7");
    assertThat(m.getRecipients().getFirst().getWaiting()).isNull();

    List<MessageSummary> page =
        messages
            .listMessages(
                RecipientState.DELIVERED,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                10,
                null)
            .getData();
    assertThat(page).extracting(MessageSummary::getId).contains(id);
    // found by its tag, its subject and its Message-ID
    List<MessageSummary> tagged =
        messages
            .listMessages(
                null,
                null,
                null,
                null,
                null,
                null,
                "generated CLIENT",
                sent.getMessageId(),
                "generated",
                null,
                null,
                null)
            .getData();
    assertThat(tagged).extracting(MessageSummary::getId).containsExactly(id);
    assertThat(tagged.getFirst().getTags()).containsExactly("generated");

    // a batch: the good message is queued, the one without a recipient refused on its own
    BatchResult batch =
        messages.sendBatch(
            new BatchRequest()
                .messages(
                    List.of(
                        new MessageRequest()
                            .from(new Address("app@example.com"))
                            .to(List.of(new Address("dan@" + DeliveringPetrel.DOMAIN)))
                            .subject("Batched")
                            .text("Hi"),
                        new MessageRequest()
                            .from(new Address("app@example.com"))
                            .subject("Nobody")
                            .text("Hi"))),
            null);
    assertThat(batch.getAccepted()).isEqualTo(1);
    assertThat(batch.getRefused()).isEqualTo(1);
    BatchItemResult good = batch.getResults().get(0);
    assertThat(good.getStatus()).isEqualTo(202);
    assertThat(good.getMessage().getStatus()).isEqualTo(MessageAccepted.StatusEnum.QUEUED);
    BatchItemResult bad = batch.getResults().get(1);
    assertThat(bad.getStatus()).isEqualTo(422);
    assertThat(bad.getProblem().getErrors().getFirst().getPointer()).startsWith("/messages/1/");

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
