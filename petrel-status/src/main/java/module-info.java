/**
 * Petrel's status engine: parses, classifies and explains SMTP replies and bounce mails.
 *
 * <p>The API is {@code dev.petrel.status} (the engine and what it answers) and {@code
 * dev.petrel.status.bounce} (the bounce parser and its report). The reply parser, the rule tables,
 * the code book and the data-file reader are internals and may change at any time.
 *
 * <p>mime4j's core jar (codecs for base64, quoted-printable and encoded words) declares no module
 * name, so it is required by the name the JDK derives from its file name.
 */
module dev.petrel.status {
  requires apache.mime4j.core;

  exports dev.petrel.status;
  exports dev.petrel.status.bounce;
}
