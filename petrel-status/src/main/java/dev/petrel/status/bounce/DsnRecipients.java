package dev.petrel.status.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * Which recipient groups of a delivery status notification report failures, and the address of a
 * group whose fields name none that can be read. Used by {@link BounceParser} before it classifies
 * each group.
 */
final class DsnRecipients {

  private DsnRecipients() {}

  /**
   * The report without the recipients it says were delivered, relayed or expanded (RFC 3464 §2.3.3)
   * when it reports others that failed or are delayed: those are not failures, and a report about
   * several recipients lists the successes beside the failures. A report of successes only (a
   * delivery notification asked for with NOTIFY=SUCCESS) is kept whole, as such.
   */
  static DsnFields.Report failedOnly(DsnFields.Report report) {
    boolean anySucceeded = false;
    boolean anyOther = false;
    for (DsnFields.Rcpt r : report.recipients()) {
      if (r.succeeded()) anySucceeded = true;
      else anyOther = true;
    }
    if (!anySucceeded || !anyOther) return report;
    List<DsnFields.Rcpt> failed = new ArrayList<>();
    for (DsnFields.Rcpt r : report.recipients()) if (!r.succeeded()) failed.add(r);
    return new DsnFields.Report(report.reportingMta(), failed);
  }

  /**
   * Gives an address to recipient groups whose fields name none that can be read: Exim writes the
   * file or pipe it failed to deliver to as the Final-Recipient ("rfc822;/var/mail/..."), and lists
   * the address in X-Failed-Recipients; a local delivery names the mailbox only ("rfc822; bob"),
   * whose address the returned message's recipients give when just one has that mailbox; some
   * sendmail versions write the domain only ("rfc822; @mx.example.org"). When one group is left
   * without an address, the one recipient the notice's text names, or else the one recipient of the
   * returned message other than its sender, is that group's.
   */
  static void resolveUnnamed(BounceParser.Context c, DsnFields.Report report, List<String> known) {
    List<String> failed = new ArrayList<>();
    for (String v : c.root().headers("X-Failed-Recipients"))
      for (String a : Addresses.all(v))
        if (!known.contains(a) && !failed.contains(a)) failed.add(a);
    int unnamed = 0;
    for (DsnFields.Rcpt r : report.recipients()) {
      if (r.address() != null) continue;
      String a = null;
      String name = r.mailboxName();
      if (name != null) a = c.byMailbox(name);
      if (a == null && !failed.isEmpty()) a = failed.removeFirst();
      if (a == null || known.contains(a)) {
        unnamed++;
        continue;
      }
      r.resolvedTo(a);
      known.add(a);
    }
    if (unnamed != 1) return;
    String only = onlyOther(c.text().recipients(c.notRecipients(c.senders()), List.of()), known);
    if (only == null) {
      List<String> envelope = new ArrayList<>(c.original().envelope());
      envelope.removeAll(known);
      // a Received field's "for" clause may name the sender (a copy to self, a list's hop): the
      // sender and the bouncer are never the failed recipient
      envelope.removeAll(c.senders());
      only = envelope.size() == 1 ? envelope.getFirst() : null;
    }
    if (only == null) return;
    for (DsnFields.Rcpt r : report.recipients()) {
      if (r.address() == null) {
        r.resolvedTo(only);
        known.add(only);
      }
    }
  }

  /**
   * Reports a group by its Original-Recipient when the Final-Recipient is a name only the receiving
   * system uses. A mailbox host that maps the address it was given onto an internal one (a virtual
   * mailbox, a cluster's own domain) writes the internal address as the Final-Recipient and the
   * address the sender used as the Original-Recipient (RFC 3464 §2.3.1 and §2.3.2); its text names
   * only the latter. When the final address is named nowhere in the notice's text nor among the
   * returned message's recipients while the original one is, the original is the address that
   * failed. A notice of a forwarded address names the address it forwarded to, and keeps it.
   */
  static void preferOriginal(BounceParser.Context c, DsnFields.Report report, List<String> known) {
    String text = c.text().lowerNoticeText();
    java.util.Set<String> envelope = c.original().envelope();
    for (DsnFields.Rcpt r : report.recipients()) {
      String addr = r.address();
      String orig = DsnFields.addressOf(r.originalRecipient);
      if (addr == null || orig == null || orig.equals(addr) || known.contains(orig)) continue;
      if (text.contains(addr) || envelope.contains(addr)) continue;
      if (!text.contains(orig) && !envelope.contains(orig)) continue;
      known.remove(addr);
      r.resolvedTo(orig);
      known.add(orig);
    }
  }

  /**
   * Reports a group by the one recipient the notice's text names when its Final-Recipient can not
   * be read (masked, garbled) and its Original-Recipient, the only address its fields give, is
   * named nowhere else: neither in the notice's text nor among the returned message's recipients.
   * The text and the returned message then say which address failed, and the fields do not: the
   * text must name exactly one recipient the report does not already hold, and the returned
   * message, when it names recipients, must name that one too.
   */
  static void preferNamedOverLoneOriginal(
      BounceParser.Context c, DsnFields.Report report, List<String> known) {
    String text = c.text().lowerNoticeText();
    java.util.Set<String> envelope = c.original().envelope();
    for (DsnFields.Rcpt r : report.recipients()) {
      if (!r.onlyOriginalNamesAddress()) continue;
      String orig = r.address();
      if (orig == null || text.contains(orig) || envelope.contains(orig)) continue;
      List<String> others = new ArrayList<>(known);
      others.remove(orig);
      String only = onlyOther(c.text().recipients(c.notRecipients(c.senders()), List.of()), others);
      if (only == null || only.equals(orig)) continue;
      if (!envelope.isEmpty() && !envelope.contains(only)) continue;
      known.remove(orig);
      r.resolvedTo(only);
      known.add(only);
    }
  }

  /** The one address among the hits that is not already known, or null. */
  private static String onlyOther(List<TextNotice.Hit> hits, List<String> known) {
    String only = null;
    for (TextNotice.Hit h : hits) {
      if (h.address() == null || known.contains(h.address())) continue;
      if (only != null && !only.equals(h.address())) return null;
      only = h.address();
    }
    return only;
  }
}
