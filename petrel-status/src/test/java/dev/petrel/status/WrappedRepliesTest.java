package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every reply of the rule-test tables reads the same inside the wrappers in which people paste
 * replies and in which no phase is named: quoted as mail quotes it ({@code > }), in the tuple of
 * Python's smtplib (the code as a number, the lines without their codes joined by {@code \n}), and
 * after .NET's SmtpException lead-in (its description of the code, then the server's words without
 * the code), for the codes whose description names one code only. A wrapper that changed a verdict
 * would make the same reply mean two things.
 */
class WrappedRepliesTest {

  private static final Pattern CODE_LINE = Pattern.compile("(?s)[245]\\d\\d[ -].*");

  record Row(String reply, String host) {}

  static List<Row> rows() throws IOException {
    List<Row> out = new ArrayList<>();
    for (String table : List.of("pasted-replies.tsv", "mta-replies.tsv", "provider-replies.tsv")) {
      try (InputStream in =
          WrappedRepliesTest.class.getResourceAsStream("/dev/petrel/status/" + table)) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (line.isBlank() || line.startsWith("#")) continue;
          String[] f = line.split("\t", -1);
          String host = f[1].isEmpty() || f[1].equals("-") ? null : f[1];
          out.add(new Row(f[0].replace("\\n", "\n"), host));
        }
      }
    }
    return out;
  }

  static String quoted(String reply) {
    return "> " + reply.replace("\n", "\n> ");
  }

  static String smtplib(String reply) {
    StringBuilder text = new StringBuilder();
    for (String line : reply.split("\n")) {
      if (!text.isEmpty()) text.append("\\n");
      text.append(CODE_LINE.matcher(line).matches() ? line.substring(4) : line);
    }
    return "Error: (" + reply.substring(0, 3) + ", b'" + text.toString().replace("'", "\\'") + "')";
  }

  /** .NET's descriptions of the codes that have one of their own (System.Net.Mail's strings). */
  static final java.util.Map<String, String> DOTNET =
      java.util.Map.ofEntries(
          java.util.Map.entry("421", "Service not available, closing transmission channel."),
          java.util.Map.entry("451", "Error in processing."),
          java.util.Map.entry("452", "Insufficient system storage."),
          java.util.Map.entry("501", "Syntax error in parameters or arguments."),
          java.util.Map.entry("502", "Command not implemented."),
          java.util.Map.entry("503", "Bad sequence of commands."),
          java.util.Map.entry("504", "Command parameter not implemented."),
          java.util.Map.entry(
              "530",
              "The SMTP server requires a secure connection or the client was not authenticated."),
          java.util.Map.entry("551", "User not local; please try a different path."),
          java.util.Map.entry("552", "Exceeded storage allocation."),
          java.util.Map.entry("553", "Mailbox name not allowed."),
          java.util.Map.entry("554", "Transaction failed."));

  static String dotNet(String reply) {
    return "System.Net.Mail.SmtpException: "
        + DOTNET.get(reply.substring(0, 3))
        + " The server response was: "
        + reply.substring(4);
  }

  @Test
  void wrappersDoNotChangeTheVerdict() throws IOException {
    StatusEngine engine = StatusEngine.standard();
    List<Row> rows = rows();
    assertThat(rows).hasSizeGreaterThan(2000);
    List<String> changed = new ArrayList<>();
    int compared = 0;
    for (Row r : rows) {
      ReplyContext ctx = new ReplyContext(Phase.UNKNOWN, r.host(), null);
      ReplyStatus plain = engine.classify(r.reply(), ctx);
      List<UnaryOperator<String>> wrappers = new ArrayList<>(List.of(WrappedRepliesTest::quoted));
      // smtplib and .NET carry the code apart from the text: only replies that begin with one
      if (CODE_LINE.matcher(r.reply()).matches()) {
        wrappers.add(WrappedRepliesTest::smtplib);
        // .NET gives the code only through its description, and one line of text
        if (!r.reply().contains("\n") && DOTNET.containsKey(r.reply().substring(0, 3)))
          wrappers.add(WrappedRepliesTest::dotNet);
      }
      for (UnaryOperator<String> w : wrappers) {
        String wrapped = w.apply(r.reply());
        ReplyStatus s = engine.classify(wrapped, ctx);
        compared++;
        if (!s.reason().equals(plain.reason()) || s.bounce() != plain.bounce())
          changed.add(
              plain.reason().id()
                  + "/"
                  + plain.bounce().id()
                  + " -> "
                  + s.reason().id()
                  + "/"
                  + s.bounce().id()
                  + " ("
                  + s.matched()
                  + "): "
                  + wrapped);
      }
    }
    System.out.println("wrapped replies compared: " + compared + ", changed: " + changed.size());
    changed.forEach(c -> System.out.println("  " + c));
    assertThat(compared).isGreaterThan(4000);
    assertThat(changed).isEmpty();
  }
}
