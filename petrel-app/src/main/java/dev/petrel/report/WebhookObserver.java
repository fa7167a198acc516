package dev.petrel.report;

/**
 * What the webhook dispatcher tells a subscriber (metrics) about each try: how it ended and how
 * long the request took. The dispatcher counts nothing itself.
 */
public interface WebhookObserver {

  /** How a try ended: the receiver's status class, no answer, or not sent at all. */
  enum Outcome {
    /** A 2xx answer: the event is delivered. */
    STATUS_2XX("2xx"),
    STATUS_1XX("1xx"),
    STATUS_3XX("3xx"),
    STATUS_4XX("4xx"),
    STATUS_5XX("5xx"),
    /** Any other status code. */
    STATUS_OTHER("other_status"),
    /** No HTTP answer: no address, refused or failed connection, TLS, timeout, a broken answer. */
    CONNECTION_ERROR("connection_error"),
    /** Not sent: the address is internal and not allowed, or the URL is not usable. */
    REFUSED("refused");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The metric label value. */
    public String label() {
      return label;
    }

    /** Whether the event was delivered by this try. */
    public boolean succeeded() {
      return this == STATUS_2XX;
    }

    public static Outcome ofStatus(int status) {
      return switch (status / 100) {
        case 1 -> STATUS_1XX;
        case 2 -> STATUS_2XX;
        case 3 -> STATUS_3XX;
        case 4 -> STATUS_4XX;
        case 5 -> STATUS_5XX;
        default -> STATUS_OTHER;
      };
    }
  }

  /**
   * One try of one event at one webhook ended.
   *
   * @param nanos how long the request took, or -1 when none was sent ({@link Outcome#REFUSED})
   * @param gaveUp whether it was the event's last try (its retry schedule is used up)
   */
  default void tried(Outcome outcome, long nanos, boolean gaveUp) {}

  WebhookObserver NONE = new WebhookObserver() {};
}
