package dev.petrel.protocol;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SMTP command table: every verb the listener knows, with the rules that apply to it before any
 * handler runs, in the manner of Postfix's smtpd command table.
 *
 * <ul>
 *   <li>{@code endsGroup}: the command may only be the last of a pipelined group (RFC 2920 §3.1,
 *       RFC 3207 §4.1 for STARTTLS, RFC 4954 §4 for AUTH); its reply is sent at once, and input the
 *       client sent after it without waiting is a pipelining violation.
 *   <li>{@code arguments}: whether the command takes an argument (RFC 5321 §4.1.1 gives the syntax
 *       of each); the wrong shape gets 501 5.5.4.
 *   <li>{@code needsHello}: the command is only valid after EHLO or HELO (RFC 5321 §4.1.4);
 *       otherwise 503 5.5.1.
 *   <li>{@code beforeAuthentication}: a client that is neither authenticated nor in a trusted
 *       network may use it. MAIL is the one command that is not (530 5.7.0, decided by the session
 *       because it depends on whether the client can authenticate at all).
 *   <li>{@code implemented}: known verbs that Petrel refuses to do (EXPN, TURN, ETRN...) get 502
 *       5.5.1, unknown verbs 500 5.5.2.
 * </ul>
 */
public enum Command {
  HELO(true, Arguments.REQUIRED, false, true, true),
  EHLO(true, Arguments.REQUIRED, false, true, true),
  MAIL(false, Arguments.REQUIRED, true, false, true),
  RCPT(false, Arguments.REQUIRED, true, true, true),
  DATA(true, Arguments.NONE, true, true, true),
  BDAT(false, Arguments.REQUIRED, true, true, true),
  RSET(false, Arguments.NONE, false, true, true),
  NOOP(true, Arguments.OPTIONAL, false, true, true),
  QUIT(true, Arguments.NONE, false, true, true),
  HELP(false, Arguments.OPTIONAL, false, true, true),
  VRFY(true, Arguments.REQUIRED, false, true, true),
  STARTTLS(true, Arguments.NONE, true, true, true),
  AUTH(true, Arguments.REQUIRED, true, true, true),
  EXPN(true, Arguments.OPTIONAL, false, true, false),
  TURN(true, Arguments.OPTIONAL, false, true, false),
  ETRN(false, Arguments.OPTIONAL, false, true, false),
  ATRN(true, Arguments.OPTIONAL, false, true, false),
  SEND(false, Arguments.OPTIONAL, false, true, false),
  SOML(false, Arguments.OPTIONAL, false, true, false),
  SAML(false, Arguments.OPTIONAL, false, true, false),
  VERB(false, Arguments.OPTIONAL, false, true, false),
  ONEX(false, Arguments.OPTIONAL, false, true, false),
  XCLIENT(true, Arguments.OPTIONAL, false, true, false),
  XFORWARD(false, Arguments.OPTIONAL, false, true, false);

  /** What a command's argument may look like. */
  public enum Arguments {
    NONE,
    OPTIONAL,
    REQUIRED
  }

  private final boolean endsGroup;
  private final Arguments arguments;
  private final boolean needsHello;
  private final boolean beforeAuthentication;
  private final boolean implemented;

  Command(
      boolean endsGroup,
      Arguments arguments,
      boolean needsHello,
      boolean beforeAuthentication,
      boolean implemented) {
    this.endsGroup = endsGroup;
    this.arguments = arguments;
    this.needsHello = needsHello;
    this.beforeAuthentication = beforeAuthentication;
    this.implemented = implemented;
  }

  private static final Map<String, Command> BY_VERB = new HashMap<>();

  static {
    for (Command c : values()) BY_VERB.put(c.name(), c);
  }

  /** The command for a verb (any case), or null when the verb is unknown. */
  public static Command of(String verb) {
    return BY_VERB.get(verb.toUpperCase(Locale.ROOT));
  }

  public boolean endsGroup() {
    return endsGroup;
  }

  public Arguments arguments() {
    return arguments;
  }

  public boolean needsHello() {
    return needsHello;
  }

  public boolean beforeAuthentication() {
    return beforeAuthentication;
  }

  public boolean implemented() {
    return implemented;
  }

  /** The command's syntax, for a 501 5.5.4 {@code Syntax: ...} reply. */
  public String usage() {
    return switch (this) {
      case HELO -> "HELO domain";
      case EHLO -> "EHLO domain";
      case MAIL -> "MAIL FROM:<address> [parameters]";
      case RCPT -> "RCPT TO:<address> [parameters]";
      case BDAT -> "BDAT chunk-size [LAST]";
      case VRFY -> "VRFY address";
      case AUTH -> "AUTH mechanism [initial-response]";
      default -> name();
    };
  }

  /** The longest acceptable line for this command, CRLF included. */
  public int maxLineOctets() {
    return this == AUTH ? SmtpInput.MAX_AUTH_LINE : SmtpInput.MAX_COMMAND_LINE;
  }
}
