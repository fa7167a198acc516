package dev.petrel.protocol;

/**
 * A command line split into verb and argument: {@code MAIL FROM:<a@b> SIZE=10} gives verb {@code
 * MAIL} and argument {@code FROM:<a@b> SIZE=10}. The verb ends at the first space; the argument is
 * the rest without the separating spaces and without trailing spaces.
 *
 * @param verb as the client wrote it
 * @param command the known command, or null for an unknown verb
 * @param argument the argument, empty when there is none
 */
public record CommandLine(String verb, Command command, String argument) {

  /**
   * Splits a line. Never fails: an empty line gives an empty verb and no command, which the session
   * answers with 500 5.5.2.
   */
  public static CommandLine parse(String line) {
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ') end--;
    String trimmed = line.substring(0, end);
    int space = trimmed.indexOf(' ');
    String verb = space < 0 ? trimmed : trimmed.substring(0, space);
    String argument = "";
    if (space >= 0) {
      int start = space;
      while (start < trimmed.length() && trimmed.charAt(start) == ' ') start++;
      argument = trimmed.substring(start);
    }
    return new CommandLine(verb, isWord(verb) ? Command.of(verb) : null, argument);
  }

  private static boolean isWord(String verb) {
    if (verb.isEmpty() || verb.length() > 16) return false;
    for (int i = 0; i < verb.length(); i++) {
      char c = verb.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) return false;
    }
    return true;
  }

  public boolean hasArgument() {
    return !argument.isEmpty();
  }
}
