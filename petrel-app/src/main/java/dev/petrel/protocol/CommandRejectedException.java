package dev.petrel.protocol;

/**
 * A command's argument is wrong; the session sends {@link #reply()} (a 5xx with its enhanced code)
 * and the command has no effect.
 */
public final class CommandRejectedException extends Exception {

  private final transient Reply reply;

  public CommandRejectedException(int code, String enhanced, String text) {
    super(code + " " + enhanced + " " + text);
    this.reply = Reply.of(code, enhanced, text);
  }

  public Reply reply() {
    return reply;
  }
}
