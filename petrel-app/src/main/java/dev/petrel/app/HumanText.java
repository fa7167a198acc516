package dev.petrel.app;

import dev.petrel.status.ReplyStatus;

/** The readable (non-JSON) rendering of a classified reply. */
final class HumanText {

  private HumanText() {}

  static String explain(ReplyStatus s) {
    StringBuilder b = new StringBuilder();
    b.append("Reply:     ");
    if (s.code() != 0) b.append(s.code()).append(' ');
    if (s.enhanced() != null) {
      b.append(s.enhanced());
      if (s.reply().enhancedInferred()) b.append(" (inferred)");
      b.append(' ');
    }
    b.append(s.text()).append('\n');
    if (s.codeTitle() != null)
      b.append("Code:      ").append(s.code()).append(" ").append(s.codeTitle()).append('\n');
    if (s.enhancedTitle() != null)
      b.append("Enhanced:  ")
          .append(s.enhanced())
          .append(" ")
          .append(s.enhancedTitle())
          .append('\n');
    b.append("Bounce:    ").append(s.bounce().id()).append('\n');
    b.append("Reason:    ").append(s.reason().id()).append('\n');
    b.append("Action:    ").append(s.action().id());
    if (s.retryAfter() != null)
      b.append(" (after ").append(s.retryAfter().toSeconds()).append(" s)");
    b.append('\n');
    b.append("Who acts:  ").append(s.who().label()).append('\n');
    b.append("Meaning:   ").append(s.meaning()).append('\n');
    b.append("Solution:  ").append(s.solution()).append('\n');
    b.append("Decided by ")
        .append(s.matched())
        .append(" (confidence ")
        .append(String.format(java.util.Locale.ROOT, "%.2f", s.confidence()))
        .append(")");
    if (s.matched().source() != null && !s.matched().source().isEmpty())
      b.append(", source: ").append(s.matched().source());
    b.append('\n');
    return b.toString();
  }
}
