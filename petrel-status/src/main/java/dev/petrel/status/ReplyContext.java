package dev.petrel.status;

/**
 * What is known about where a reply came from; every part is optional.
 *
 * @param phase the SMTP phase the reply answered ({@link Phase#UNKNOWN} when not known)
 * @param remoteHost the host name of the server that replied, or null
 * @param recipientDomain the domain of the recipient the reply is about, or null
 */
public record ReplyContext(Phase phase, String remoteHost, String recipientDomain) {

  public static final ReplyContext NONE = new ReplyContext(Phase.UNKNOWN, null, null);

  public ReplyContext {
    if (phase == null) phase = Phase.UNKNOWN;
  }
}
