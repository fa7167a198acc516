package dev.petrel.app;

import dev.petrel.report.StatusJson;
import dev.petrel.status.Phase;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code petrel explain}: the status engine on the command line. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain SMTP replies: code, enhanced code, bounce type, reason, what to do.",
      "Without REPLY, reads standard input, one reply per line; the two characters \\n inside a"
          + " line stand for a line break of a multi-line reply."
    })
final class ExplainCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object per reply, one per line.")
  boolean json;

  @Option(
      names = "--phase",
      description = "SMTP phase the reply answered: connect, ehlo, mail, rcpt, data, end-of-data.")
  String phase;

  @Option(names = "--host", description = "Host name of the server that replied.")
  String host;

  @Option(names = "--domain", description = "Domain of the recipient.")
  String domain;

  @Option(names = "--rules", description = "Operator rule file tried before the built-in rules.")
  Path rules;

  @Parameters(arity = "0..*", paramLabel = "REPLY", description = "Replies to explain.")
  List<String> replies;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StatusEngine engine;
    try {
      engine = rules == null ? StatusEngine.standard() : StatusEngine.withOperatorRules(rules);
    } catch (IOException e) {
      err.println("petrel explain: cannot read rule file " + rules + ": " + e.getMessage());
      return Main.EXIT_INPUT;
    } catch (IllegalArgumentException e) {
      err.println("petrel explain: invalid rule file: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    Phase p = phase == null ? Phase.UNKNOWN : Phase.of(phase);
    if (phase != null && p == Phase.UNKNOWN) {
      err.println("petrel explain: unknown phase '" + phase + "'");
      return Main.EXIT_USAGE;
    }
    ReplyContext ctx = new ReplyContext(p, host, domain);
    if (replies != null && !replies.isEmpty()) {
      for (String r : replies) print(out, engine.classify(unescape(r), ctx));
    } else {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank() && !json) continue;
        print(out, engine.classify(unescape(line), ctx));
      }
    }
    out.flush();
    return 0;
  }

  /** The two characters backslash and n stand for a line break inside one input line. */
  static String unescape(String line) {
    return line.indexOf("\\n") < 0 ? line : line.replace("\\n", "\n");
  }

  private void print(PrintWriter out, ReplyStatus s) {
    if (json) {
      out.println(StatusJson.line(StatusJson.fields(s)));
    } else {
      out.print(HumanText.explain(s));
      out.println();
    }
  }
}
