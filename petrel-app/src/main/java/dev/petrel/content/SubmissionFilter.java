package dev.petrel.content;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header rules of submitted mail, applied while the message streams on to the store (or, at
 * delivery, to the wire). Both doors use it: the SMTP listener for DATA and BDAT, the HTTP API for
 * raw and composed mail, so what a sender may put in a message is the same whichever way it comes.
 *
 * <p>On the way through it
 *
 * <ul>
 *   <li>removes every {@code Bcc} field: the recipients are in the envelope, and a Bcc header that
 *       travelled would show them to everyone (sendmail and Postfix do the same for submitted mail,
 *       RFC 5322 §3.6.3 leaves the choice to the submitter);
 *   <li>removes every {@code X-Petrel-*} field: those are Petrel's own, never a client's, and never
 *       leave; the values of {@code X-Petrel-Tag} fields (one tag each) are kept aside first, for
 *       the door to read as the message's tags ({@link #tags()});
 *   <li>adds {@code Date} and {@code Message-ID} at the end of the header section when they are
 *       missing and {@link Generated} is given (a submission server's duty, RFC 6409 §8.2-8.3);
 *   <li>notes, without refusing anything itself, what the door must refuse: NUL octets (RFC 5322
 *       §2.3 and RFC 5321 §4.1.1.4 have no place for them), a line over 998 octets (RFC 5322
 *       §2.1.1), more than one From field (RFC 5322 §3.6: exactly one); and keeps the From fields
 *       so the door can check who the message says it is from ({@link HeaderFrom}).
 * </ul>
 *
 * <p>Memory stays bounded: the header section is handled one line at a time, only the start of a
 * line (up to its colon) is held to tell what it is, and only From fields are kept, up to {@value
 * #MAX_FROM} octets. A line that is not a header field (nor a continuation of one) ends the header
 * section; an empty line is put before it so that every later reader sees it as body too.
 */
public final class SubmissionFilter extends OutputStream {

  /** RFC 5322 §2.1.1: at most 998 characters on a line, without its CRLF. */
  public static final int MAX_LINE = 998;

  /** The most octets of From fields kept for the sender check; more is {@link #fromTooLong()}. */
  public static final int MAX_FROM = 64 * 1024;

  private static final byte[] CRLF = {'\r', '\n'};

  /** The most octets of one X-Petrel-Tag field kept; a longer one is cut (and is no tag). */
  public static final int MAX_TAG_FIELD = 1024;

  /** The most X-Petrel-Tag fields whose values are kept; more are counted only. */
  public static final int MAX_TAG_FIELDS = 100;

  private enum Fate {
    KEEP,
    DROP,
    FROM,
    TAG
  }

  private final OutputStream target;
  private final Generated generated;

  /** Header lines go out through here, one line at a time. */
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  private boolean inBody;
  private final byte[] start = new byte[MAX_LINE + 2];
  private int startLength;
  private Fate lineFate; // null until the current line's start tells what it is
  private Fate fieldFate; // the fate of the field continuation lines belong to
  private ByteArrayOutputStream from;

  private int lineOctets;
  private boolean lastCr;
  private boolean lastLf = true;

  private final List<byte[]> fromFields = new ArrayList<>();
  private final List<byte[]> tagFields = new ArrayList<>();
  private int tagCount;
  private ByteArrayOutputStream tag;
  private int fromOctets;
  private boolean fromTooLong;
  private boolean nul;
  private boolean nulInHeader;
  private boolean longLine;
  private boolean hasDate;
  private boolean hasMessageId;
  private String addedMessageId;
  private int removed;

  /**
   * @param target where the message goes
   * @param generated what to add when Date or Message-ID is missing; null adds nothing
   */
  public SubmissionFilter(OutputStream target, Generated generated) {
    this.target = target;
    this.generated = generated;
  }

  /** Runs a whole message held in memory through a filter; returns the filter, finished. */
  public static SubmissionFilter apply(byte[] message, Generated generated, OutputStream out)
      throws IOException {
    SubmissionFilter f = new SubmissionFilter(out, generated);
    f.write(message, 0, message.length);
    f.finish();
    return f;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int i = off;
    while (i < end && !inBody) header(b[i++]);
    if (i < end) body(b, i, end);
  }

  private void body(byte[] b, int from, int end) throws IOException {
    for (int i = from; i < end; i++) count(b[i]);
    target.write(b, from, end - from);
  }

  /** Line length and NUL bookkeeping for every octet, header and body. */
  private void count(byte c) {
    if (c == 0) nul = true;
    if (c == '\n') {
      if (lineOctets - (lastCr ? 1 : 0) > MAX_LINE) longLine = true;
      lineOctets = 0;
      lastCr = false;
      lastLf = true;
    } else {
      lineOctets++;
      lastCr = c == '\r';
      lastLf = false;
    }
  }

  private void header(byte c) throws IOException {
    count(c);
    if (lineFate != null) {
      if (c == 0 && kept(lineFate)) nulInHeader = true;
      emit(c);
      if (c == '\n') endLine();
      return;
    }
    start[startLength++] = c;
    if (c == '\n') classify(true);
    else if (startLength == 1 && (c == ' ' || c == '\t')) classify(false);
    else if (c == ':' || startLength > MAX_LINE) classify(false);
  }

  /** Decides what the line held in {@link #start} is, and sends it on accordingly. */
  private void classify(boolean complete) throws IOException {
    int content = startLength;
    if (complete) content -= start[startLength - 1] == '\n' ? 1 : 0;
    if (complete && content > 0 && start[content - 1] == '\r') content--;
    if (complete && content == 0) {
      // The empty line that ends the header section.
      endHeader();
      target.write(start, 0, startLength);
      startLength = 0;
      return;
    }
    Fate fate;
    byte first = start[0];
    if (first == ' ' || first == '\t') fate = fieldFate;
    else fate = fieldName();
    if (fate == null) {
      // Not a header field: the body starts here, after an empty line of our own.
      endHeader();
      target.write(CRLF);
      target.write(start, 0, startLength);
      startLength = 0;
      return;
    }
    if (first != ' ' && first != '\t') {
      fieldFate = fate;
      from = null;
      tag = null;
      if (fate == Fate.FROM) {
        from = new ByteArrayOutputStream();
        fromFields.add(null); // filled as its lines end
      }
      if (fate == Fate.TAG && tagCount++ < MAX_TAG_FIELDS) {
        tag = new ByteArrayOutputStream();
        tagFields.add(null); // filled as its lines end
      }
    }
    lineFate = fate;
    for (int i = 0; i < startLength; i++) {
      if (start[i] == 0 && kept(fate)) nulInHeader = true;
      emit(start[i]);
    }
    startLength = 0;
    if (complete) endLine();
  }

  /** The fate of a field from its name, or null when the line is not a field. */
  private Fate fieldName() {
    int colon = -1;
    for (int i = 0; i < startLength; i++)
      if (start[i] == ':') {
        colon = i;
        break;
      }
    if (colon <= 0) return null;
    int end = colon;
    while (end > 0 && (start[end - 1] == ' ' || start[end - 1] == '\t')) end--; // obs-optional
    if (end == 0) return null;
    for (int i = 0; i < end; i++) if (start[i] < 33 || start[i] > 126) return null;
    String name = new String(start, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("date")) hasDate = true;
    if (lower.equals("message-id")) hasMessageId = true;
    if (lower.equals(TAG_FIELD)) {
      removed++;
      return Fate.TAG;
    }
    if (lower.equals("bcc") || lower.startsWith(InternalHeaders.PREFIX)) {
      removed++;
      return Fate.DROP;
    }
    return lower.equals("from") ? Fate.FROM : Fate.KEEP;
  }

  private static boolean kept(Fate f) {
    return f != Fate.DROP && f != Fate.TAG;
  }

  private void emit(byte c) throws IOException {
    if (lineFate == Fate.TAG) {
      if (tag != null && tag.size() < MAX_TAG_FIELD) tag.write(c);
      return;
    }
    if (lineFate == Fate.DROP) return;
    line.write(c);
    if (line.size() >= 8192) { // a very long line (BDAT has no line limit) goes on in pieces
      line.writeTo(target);
      line.reset();
    }
    if (lineFate == Fate.FROM) {
      if (fromOctets < MAX_FROM) {
        from.write(c);
        fromOctets++;
      } else fromTooLong = true;
    }
  }

  private void endLine() throws IOException {
    line.writeTo(target);
    line.reset();
    lineFate = null;
    closeFrom();
  }

  private void closeFrom() {
    if (from != null) fromFields.set(fromFields.size() - 1, from.toByteArray());
    if (tag != null) tagFields.set(tagFields.size() - 1, tag.toByteArray());
  }

  /** Ends the header section: adds what is missing. */
  private void endHeader() throws IOException {
    line.writeTo(target);
    line.reset();
    closeFrom();
    from = null;
    tag = null;
    inBody = true;
    if (generated == null) return;
    if (!hasDate) target.write(generated.dateField());
    if (!hasMessageId) {
      addedMessageId = generated.messageId();
      target.write(Generated.field("Message-ID", addedMessageId));
    }
  }

  /**
   * Ends the message: a header section without an empty line after it (a message without a body)
   * gets what is missing too, after a line break if its last line had none.
   */
  public void finish() throws IOException {
    if (!inBody) {
      if (startLength > 0 && lineFate == null) classify(false);
      if (!inBody) {
        line.writeTo(target);
        line.reset();
        if (!lastLf && kept(lineFate)) target.write(CRLF);
        lineFate = null;
        endHeader();
      }
    }
    if (lineOctets - (lastCr ? 1 : 0) > MAX_LINE) longLine = true;
  }

  /** Whether the header section has ended (what follows goes through unchanged but counted). */
  public boolean inBody() {
    return inBody;
  }

  /**
   * Gives up on the header section: what is held goes out as it is and the rest passes through,
   * with nothing added (for a header section too large to look at).
   */
  void release() throws IOException {
    line.writeTo(target);
    line.reset();
    target.write(start, 0, startLength);
    startLength = 0;
    inBody = true;
  }

  @Override
  public void flush() throws IOException {
    target.flush();
  }

  /** Whether a NUL octet came anywhere in the message. */
  public boolean nul() {
    return nul;
  }

  /** Whether a NUL octet came in the header section. */
  public boolean nulInHeader() {
    return nulInHeader;
  }

  /** Whether a line was longer than {@value #MAX_LINE} octets without its line break. */
  public boolean longLine() {
    return longLine;
  }

  /** The From fields as they came (name, colon, value, folding), in order. */
  public List<byte[]> fromFields() {
    return fromFields.stream().filter(f -> f != null).toList();
  }

  /** How many From fields the header section had. */
  public int fromCount() {
    return fromFields.size();
  }

  /** Whether the From fields were longer than {@value #MAX_FROM} octets in all. */
  public boolean fromTooLong() {
    return fromTooLong;
  }

  /** The name of the field a submitter tags a message with, one tag a field, lower case. */
  public static final String TAG_FIELD = "x-petrel-tag";

  /**
   * The values of the X-Petrel-Tag fields, in order (unfolded, without surrounding blanks; at most
   * {@value #MAX_TAG_FIELDS}, each cut at {@value #MAX_TAG_FIELD} octets). The fields themselves
   * were removed like every X-Petrel-* field.
   */
  public List<String> tags() {
    List<String> out = new ArrayList<>();
    for (byte[] f : tagFields) {
      if (f == null) continue;
      String field = new String(f, java.nio.charset.StandardCharsets.UTF_8);
      int colon = field.indexOf(':');
      out.add(field.substring(colon + 1).replaceAll("\\r?\\n", "").strip());
    }
    return out;
  }

  /** How many X-Petrel-Tag fields the header section had. */
  public int tagCount() {
    return tagCount;
  }

  /** How many fields were removed (Bcc, X-Petrel-*). */
  public int removed() {
    return removed;
  }

  /** The Message-ID this filter added (with its angle brackets), or null. */
  public String addedMessageId() {
    return addedMessageId;
  }

  /** Whether this filter added a Date field. */
  public boolean addedDate() {
    return inBody && generated != null && !hasDate;
  }
}
