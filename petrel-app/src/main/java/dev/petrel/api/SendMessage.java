package dev.petrel.api;

import dev.petrel.accounts.AccountStore.IdempotentAnswer;
import dev.petrel.accounts.Quotas;
import dev.petrel.content.Generated;
import dev.petrel.content.SubmissionFilter;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.Recipient;
import dev.petrel.queue.QuotaExceededException;
import dev.petrel.queue.Spool;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StorageFullException;
import dev.petrel.report.StatusJson;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.DefaultAddressParser;

/**
 * {@code POST /api/v1/messages}: checks the request, the quota and the suppression list, writes the
 * message (composed, or {@code raw} as given) to the queue through the same store as the listener,
 * and answers 202 with its id and each recipient's first status ({@code queued} or {@code
 * suppressed}). The message is durable before the answer. An {@code Idempotency-Key} seen in the
 * last 24 hours with the same body returns the first answer again without queueing twice.
 */
final class SendMessage implements Handler {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("api");

  private final Api api;

  /** Serialises requests with the same idempotency key inside this process. */
  private final ConcurrentHashMap<String, Object> keyLocks = new ConcurrentHashMap<>();

  SendMessage(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    Caller caller = Caller.of(ctx);
    idempotent(ctx, caller, 202, () -> send(ctx, caller));
  }

  /** Writes an answer and returns its body, for saving under an idempotency key. */
  interface Answering {
    Map<String, Object> answer() throws Exception;
  }

  /**
   * Runs {@code work} under the request's {@code Idempotency-Key}, when it has one: the same key
   * with the same body within {@link #IDEMPOTENCY} replays the first answer (with {@code
   * Idempotent-Replayed: true}) and runs nothing; the same key with another body is a 422. Keys are
   * the account's, shared by single and batch sends.
   *
   * @param status the status {@code work} answers with, saved with its body
   */
  void idempotent(Context ctx, Caller caller, int status, Answering work) throws Exception {
    String key = ctx.header("Idempotency-Key");
    if (key == null) {
      work.answer();
      return;
    }
    if (key.isBlank() || key.length() > 255)
      throw Problem.badRequest("Idempotency-Key must be 1 to 255 characters");
    String fingerprint = sha256(ctx.bodyAsBytes());
    Object lock = keyLocks.computeIfAbsent(caller.account() + "\n" + key, k -> new Object());
    synchronized (lock) {
      try {
        Instant now = api.clock().instant();
        // Taking the key is one step in the store, so two nodes (or processes) that get the same
        // key at once do not both send: one carries the request out, the other is told to wait.
        var earlier = api.accounts().reserveIdempotent(caller.account(), key, fingerprint, now);
        if (earlier.isPresent()) {
          if (earlier.get().status() == 0)
            throw new Problem(
                    409,
                    "idempotency-in-progress",
                    "A request with this Idempotency-Key is in progress",
                    "another request with this Idempotency-Key is still being carried out; send"
                        + " this one again in a moment to get its answer")
                .header("Retry-After", "1");
          if (!earlier.get().fingerprint().equals(fingerprint))
            throw new Problem(
                422,
                "idempotency-mismatch",
                "Idempotency-Key reused with another request",
                "this Idempotency-Key was used in the last 24 hours with a different body; use a"
                    + " new key for a new request");
          ctx.header("Idempotent-Replayed", "true");
          ctx.status(earlier.get().status());
          ctx.contentType("application/json");
          ctx.result(earlier.get().response());
          return;
        }
        boolean answered = false;
        try {
          Map<String, Object> answer = work.answer();
          api.accounts()
              .saveIdempotent(
                  caller.account(),
                  key,
                  new IdempotentAnswer(
                      fingerprint, status, StatusJson.MAPPER.writeValueAsString(answer)),
                  now);
          answered = true;
        } finally {
          // A refused request keeps no answer: the key is free for the corrected request.
          if (!answered) {
            try {
              api.accounts().releaseIdempotent(caller.account(), key);
            } catch (StorageException e) {
              LOG.warn(
                  "api: cannot free Idempotency-Key of {}: {}", caller.account(), e.getMessage());
            }
          }
        }
      } finally {
        keyLocks.remove(caller.account() + "\n" + key, lock);
      }
    }
  }

  private static Problem overQuota(
      long limit, long used, int more, Instant now, Quotas.Check quota) {
    long wait = Math.max(1, Duration.between(now, quota.resets()).toSeconds());
    return new Problem(
            429,
            "quota",
            "Monthly quota reached",
            "this account may send to "
                + limit
                + " recipients a month and has used "
                + used
                + "; "
                + more
                + " more do not fit. The quota resets at "
                + quota.resets())
        .header("Retry-After", Long.toString(wait));
  }

  private Map<String, Object> send(Context ctx, Caller caller) throws Exception {
    JsonBody body = JsonBody.read(ctx);
    Accepted a = accept(caller, ctx.ip(), body);
    ctx.attribute(Telemetry.ACCEPTED, a.recipients());
    ctx.header("Location", "/api/v1/messages/" + a.id());
    ApiServer.json(ctx, 202, a.answer());
    return a.answer();
  }

  /** A queued message: its id, the answer's body and how many recipients it has. */
  record Accepted(String id, Map<String, Object> answer, int recipients) {}

  /**
   * Checks one message (fields, size, content, sender, quota) and queues it, durable before this
   * returns; the same for a single send and for each item of a batch.
   *
   * @throws Problem what the single send answers when the message is refused; nothing was queued
   */
  Accepted accept(Caller caller, String clientIp, JsonBody body) throws Exception {
    MessageRequest r = MessageRequest.read(body);
    body.finish();
    Instant now = api.clock().instant();
    EmailAddress sender;
    List<EmailAddress> recipients;
    if (r.raw() != null) {
      sender = r.from() != null ? r.from().address() : rawFrom(r.raw());
      recipients = r.recipients().isEmpty() ? rawRecipients(r.raw()) : r.recipients();
    } else {
      sender = r.from().address();
      recipients = r.recipients();
    }

    // The message as it will be stored: the same limit and header rules as the SMTP listener.
    Generated generated = new Generated(api.hostname(), api.clock());
    String messageId = generated.messageId();
    byte[] given =
        r.raw() != null
            ? normalise(r.raw())
            : MessageComposer.compose(r, messageId, Date.from(now));
    ContentProblems.checkSize(given.length, api.maxMessageSize());
    java.io.ByteArrayOutputStream filtered = new java.io.ByteArrayOutputStream(given.length + 128);
    SubmissionFilter content = SubmissionFilter.apply(given, generated, filtered);
    ContentProblems.checkContent(content, r.raw() != null ? "/raw" : "");
    ContentProblems.checkSender(
        api, caller.account(), sender.domain(), "the envelope sender's domain is ");
    ContentProblems.checkHeaderFrom(api, caller.account(), content);

    Quotas.Check quota = api.quotas().check(caller.account(), recipients.size());
    if (!quota.allowed())
      throw overQuota(quota.limit(), quota.used(), recipients.size(), now, quota);

    List<Recipient> envelopeRecipients = new ArrayList<>();
    for (EmailAddress a : recipients) envelopeRecipients.add(new Recipient(a, null, null));
    boolean utf8 = sender.needsUtf8() || recipients.stream().anyMatch(EmailAddress::needsUtf8);
    Envelope envelope =
        new Envelope(
            sender,
            envelopeRecipients,
            "8BITMIME",
            utf8,
            null,
            null,
            caller.account(),
            null,
            clientIp,
            null,
            Envelope.SOURCE_API);

    String id;
    try (Spool spool = api.store().begin(envelope)) {
      OutputStream out = spool.body();
      out.write(received(clientIp, spool.id().value(), now).getBytes(StandardCharsets.US_ASCII));
      filtered.writeTo(out);
      // Tags and metadata go into the queue's rows, never into the message.
      spool.label(r.tags(), r.metadataJson());
      // The store counts and checks in one step: of concurrent requests only those that fit stay.
      id = (quota.limit() < 0 ? spool.commit() : spool.commit(quota.limit())).value();
    } catch (QuotaExceededException e) {
      throw overQuota(e.limit(), e.used(), recipients.size(), now, quota);
    } catch (StorageFullException e) {
      throw new Problem(
              507,
              "storage-full",
              "No room to queue the message",
              "the server's disk is nearly full; nothing was queued, try again later")
          .header("Retry-After", "60");
    }
    api.queued().run();
    // One line per accepted send, in the listener's shape (queue id first), for operators who
    // follow a message through the log.
    LOG.info(
        "api queue={} account={} queued from=<{}> recipients={} client={}",
        id,
        caller.account(),
        sender == null ? "" : sender,
        recipients.size(),
        clientIp);
    // The limit read for this request's check, not read again.
    api.quotas()
        .afterAccepted(
            caller.account(),
            quota.limit() < 0
                ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(quota.limit()));

    List<Map<String, Object>> rcpts = new ArrayList<>();
    int suppressedCount = 0;
    for (EmailAddress a : recipients) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("address", a.toString());
      boolean suppressed = api.store().findSuppression(caller.account(), a.toString()).isPresent();
      if (suppressed) suppressedCount++;
      o.put("status", suppressed ? "suppressed" : "queued");
      rcpts.add(o);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", id);
    answer.put("message_id", r.raw() != null ? content.addedMessageId() : messageId);
    // "queued" promises a delivery attempt; when every recipient is suppressed none will be made.
    answer.put("status", suppressedCount == recipients.size() ? "suppressed" : "queued");
    answer.put("recipients", rcpts);
    if (!r.tags().isEmpty()) answer.put("tags", r.tags());
    if (!r.metadata().isEmpty()) answer.put("metadata", r.metadata());
    return new Accepted(id, answer, recipients.size());
  }

  private String received(String clientIp, String id, Instant now) {
    return "Received: from api (["
        + clientIp
        + "])\r\n\tby "
        + api.hostname()
        + " (Petrel) with HTTP id "
        + id
        + ";\r\n\t"
        + Generated.DATE.format(now.atOffset(ZoneOffset.UTC))
        + "\r\n";
  }

  /** Raw MIME as given, with every line ending made CRLF (the queue keeps wire form). */
  static byte[] normalise(byte[] raw) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length + 64);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '\r') {
        out.write('\r');
        out.write('\n');
        if (i + 1 < raw.length && raw[i + 1] == '\n') i++;
      } else if (b == '\n') {
        out.write('\r');
        out.write('\n');
      } else out.write(b);
    }
    if (raw.length > 0 && raw[raw.length - 1] != '\n' && raw[raw.length - 1] != '\r') {
      out.write('\r');
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static String header(byte[] raw, String name) {
    String text = new String(raw, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) end = text.indexOf("\n\n");
    String head = (end < 0 ? text : text.substring(0, end)).replaceAll("\r?\n[ \t]", " ");
    StringBuilder values = new StringBuilder();
    for (String line : head.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        if (!values.isEmpty()) values.append(", ");
        values.append(line.substring(colon + 1).trim());
      }
    }
    return values.isEmpty() ? null : values.toString();
  }

  private static List<Mailbox> parse(String value, String what) {
    try {
      MailboxList list = DefaultAddressParser.DEFAULT.parseAddressList(value).flatten();
      return list;
    } catch (Exception e) {
      throw Problem.invalid(
          List.of(new Problem.FieldError("/raw", "the " + what + " header cannot be read")));
    }
  }

  private static EmailAddress rawFrom(byte[] raw) {
    String from = header(raw, "From");
    if (from == null)
      throw Problem.invalid(
          List.of(new Problem.FieldError("/from", "is required: raw has no From header")));
    List<Mailbox> boxes = parse(from, "From");
    if (boxes.isEmpty())
      throw Problem.invalid(List.of(new Problem.FieldError("/raw", "the From header is empty")));
    return address(boxes.getFirst().getAddress(), "/raw");
  }

  private static List<EmailAddress> rawRecipients(byte[] raw) {
    Map<String, EmailAddress> out = new LinkedHashMap<>();
    for (String h : List.of("To", "Cc", "Bcc")) {
      String v = header(raw, h);
      if (v == null) continue;
      for (Mailbox m : parse(v, h)) {
        EmailAddress a = address(m.getAddress(), "/raw");
        out.putIfAbsent(a.toString().toLowerCase(Locale.ROOT), a);
      }
    }
    if (out.isEmpty())
      throw Problem.invalid(
          List.of(
              new Problem.FieldError(
                  "/to", "at least one recipient is required: give to, or To/Cc headers in raw")));
    return List.copyOf(out.values());
  }

  private static EmailAddress address(String text, String pointer) {
    try {
      return EmailAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw Problem.invalid(
          List.of(new Problem.FieldError(pointer, "'" + text + "' is not an email address")));
    }
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
