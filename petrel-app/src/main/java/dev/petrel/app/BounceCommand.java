package dev.petrel.app;

import dev.petrel.report.StatusJson;
import dev.petrel.status.ReplyStatus;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.bounce.BounceReport;
import dev.petrel.status.bounce.BouncedRecipient;
import dev.petrel.status.bounce.MailInputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code petrel bounce}: parse bounce mails, auto-replies and feedback reports. */
@Command(
    name = "bounce",
    mixinStandardHelpOptions = true,
    description = {
      "Analyse bounce mails (DSNs and the common non-standard formats), auto-replies and"
          + " feedback reports.",
      "PATH is an .eml file, an mbox file, or a folder read recursively (maildir folders too)."
    })
final class BounceCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--json",
      description = "Print one JSON object per failed recipient, one per line.")
  boolean json;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Mail files, mbox files, folders.")
  List<Path> paths;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BounceParser parser = new BounceParser(StatusEngine.standard());
    boolean[] failed = {false};
    for (Path path : paths) {
      MailInputs.read(
          path,
          mail -> {
            BounceReport report = parser.parse(mail.bytes());
            if (report.kind() == BounceReport.Kind.NOT_A_BOUNCE || report.recipients().isEmpty()) {
              err.println(
                  "petrel bounce: "
                      + mail.name()
                      + ": not a bounce, auto-reply or feedback report (no failed recipient found)");
              return;
            }
            for (BouncedRecipient r : report.recipients()) {
              if (json) out.println(StatusJson.line(fields(mail.name(), report, r)));
              else out.println(human(mail.name(), report, r));
            }
          },
          (where, message) -> {
            failed[0] = true;
            err.println("petrel bounce: " + where + ": " + message);
          });
    }
    out.flush();
    err.flush();
    return failed[0] ? Main.EXIT_INPUT : 0;
  }

  static Map<String, Object> fields(String file, BounceReport report, BouncedRecipient r) {
    ReplyStatus s = r.classification();
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("file", file);
    m.put("kind", report.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    m.put("format", report.format());
    m.put("recipient", r.recipient());
    m.put(
        "status",
        r.status() != null ? r.status() : s.enhanced() == null ? null : s.enhanced().toString());
    m.put("dsn_action", r.action());
    m.put("remote_mta", r.remoteMta());
    m.put("diagnostic", r.diagnostic());
    m.put("message_id", report.originalMessageId());
    m.put("return_path", report.originalReturnPath());
    m.put("feedback_type", report.feedbackType());
    Map<String, Object> st = StatusJson.fields(s);
    st.remove("text");
    m.putAll(st);
    return m;
  }

  private static String human(String file, BounceReport report, BouncedRecipient r) {
    ReplyStatus s = r.classification();
    StringBuilder b = new StringBuilder();
    b.append(file)
        .append(": ")
        .append(r.recipient() == null ? "(unknown recipient)" : r.recipient());
    b.append("\n  ")
        .append(s.reason().id())
        .append(", ")
        .append(s.bounce().id())
        .append(" bounce, ")
        .append(s.action().id());
    if (r.status() != null || s.code() != 0) {
      b.append(" [");
      if (s.code() != 0) b.append(s.code()).append(' ');
      b.append(r.status() != null ? r.status() : s.enhanced() == null ? "" : s.enhanced());
      b.append(']');
    }
    if (r.diagnostic() != null && !r.diagnostic().isBlank())
      b.append("\n  said: ").append(r.diagnostic());
    b.append("\n  meaning: ").append(s.meaning());
    b.append("\n  solution: ").append(s.solution());
    if (report.originalMessageId() != null)
      b.append("\n  original message: ").append(report.originalMessageId());
    return b.toString();
  }
}
