package dev.petrel.status.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.parser.ContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.ByteSequence;

/**
 * Turns the bytes of a mail into a {@link MailPart} tree with mime4j, tolerating what bounce
 * generators get wrong: bare CR or LF line ends, 8-bit text without a charset, unknown charset
 * names, ISO-2022-JP text labelled us-ascii, and broken multipart structure (whatever mime4j cannot
 * place ends up as text of the nearest part).
 */
final class MimeReader {

  /** Inputs are cut here; a bounce notice that matters is never this long. */
  static final int MAX_INPUT = 8 << 20;

  /** The most text kept from one part. */
  private static final int MAX_PART_TEXT = 1 << 20;

  private static final int MAX_PARTS = 500;

  private static final Charset ISO_2022_JP = charset("ISO-2022-JP");
  private static final Charset WINDOWS_1252 = charset("windows-1252");

  private MimeReader() {}

  /** Parses a mail; never throws. */
  static MailPart read(byte[] raw) {
    byte[] bytes = normaliseLineEnds(raw);
    MimeConfig config =
        new MimeConfig.Builder()
            .setStrictParsing(false)
            .setMaxLineLen(-1)
            .setMaxHeaderCount(-1)
            .setMaxHeaderLen(-1)
            .setMaxContentLen(-1)
            .setMalformedHeaderStartsBody(false)
            .build();
    MimeStreamParser parser = new MimeStreamParser(config, DecodeMonitor.SILENT, null);
    parser.setContentDecoding(true);
    parser.setRecurse();
    Builder builder = new Builder();
    parser.setContentHandler(builder);
    try {
      parser.parse(new ByteArrayInputStream(bytes));
    } catch (MimeException | IOException | RuntimeException e) {
      // Keep what was built so far; a part that was cut short still carries useful text.
    }
    if (builder.root == null) {
      MailPart p = new MailPart(null);
      p.text = decode(bytes, null);
      return p;
    }
    return builder.root;
  }

  /**
   * Makes every line end a single LF (mime4j reads LF and CRLF, not a bare CR), drops an mbox "From
   * " envelope line at the top, and cuts inputs longer than {@link #MAX_INPUT}.
   */
  static byte[] normaliseLineEnds(byte[] raw) {
    int n = Math.min(raw.length, MAX_INPUT);
    byte[] out = new byte[n];
    int o = 0;
    int start = 0;
    if (n > 5
        && raw[0] == 'F'
        && raw[1] == 'r'
        && raw[2] == 'o'
        && raw[3] == 'm'
        && raw[4] == ' ') {
      while (start < n && raw[start] != '\n' && raw[start] != '\r') start++;
      if (start < n && raw[start] == '\r') start++;
      if (start < n && raw[start] == '\n') start++;
    }
    for (int i = start; i < n; i++) {
      byte b = raw[i];
      if (b == '\r') {
        out[o++] = '\n';
        if (i + 1 < n && raw[i + 1] == '\n') i++;
      } else {
        out[o++] = b;
      }
    }
    return java.util.Arrays.copyOf(out, o);
  }

  /**
   * Decodes text bytes: the declared charset when it is known and fits, else UTF-8 when the bytes
   * are valid UTF-8, ISO-2022-JP when they carry its escape sequences, else windows-1252.
   */
  static String decode(byte[] bytes, String declared) {
    if (containsIso2022Escape(bytes)) {
      if (declared == null || !declared.toLowerCase(Locale.ROOT).startsWith("utf")) {
        return new String(bytes, ISO_2022_JP);
      }
    }
    Charset cs = declared == null ? null : charset(declared);
    boolean ascii = isAscii(bytes);
    if (ascii) return new String(bytes, StandardCharsets.US_ASCII);
    if (cs != null && cs != StandardCharsets.US_ASCII) {
      String s = strict(bytes, cs);
      if (s != null) return s;
    }
    String utf8 = strict(bytes, StandardCharsets.UTF_8);
    if (utf8 != null) return utf8;
    if (cs != null && cs != StandardCharsets.US_ASCII) return new String(bytes, cs);
    return new String(bytes, WINDOWS_1252);
  }

  private static String strict(byte[] bytes, Charset cs) {
    try {
      return cs.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) return false;
    }
    return true;
  }

  private static boolean containsIso2022Escape(byte[] b) {
    for (int i = 0; i + 2 < b.length; i++) {
      if (b[i] == 0x1b && b[i + 1] == '$' && (b[i + 2] == 'B' || b[i + 2] == '@')) return true;
    }
    return false;
  }

  static Charset charset(String name) {
    if (name == null) return null;
    String n = name.trim().replace("\"", "");
    if (n.isEmpty()) return null;
    try {
      return Charset.forName(n);
    } catch (RuntimeException e) {
      String l = n.toLowerCase(Locale.ROOT);
      if (l.contains("utf") || l.contains("uft")) return StandardCharsets.UTF_8;
      if (l.contains("2022")) return charset("ISO-2022-JP");
      if (l.contains("sjis") || l.contains("shift")) return charset("Shift_JIS");
      if (l.contains("8859") || l.contains("latin")) return StandardCharsets.ISO_8859_1;
      return null;
    }
  }

  /** Decodes a raw header field: bytes as UTF-8 (else windows-1252), unfolded, encoded words. */
  static MailPart.Header header(Field field) {
    String name = field.getName();
    String value;
    ByteSequence raw = field.getRaw();
    if (raw != null) {
      String whole = decode(raw.toByteArray(), null);
      int colon = whole.indexOf(':');
      value = colon >= 0 ? whole.substring(colon + 1) : whole;
    } else {
      value = field.getBody();
    }
    value = unfold(value);
    if (value.contains("=?")) {
      try {
        value = DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
      } catch (RuntimeException e) {
        // keep the undecoded value
      }
    }
    return new MailPart.Header(name.trim(), value.trim());
  }

  static String unfold(String v) {
    StringBuilder sb = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\r' || c == '\n') {
        while (i + 1 < v.length() && (v.charAt(i + 1) == '\r' || v.charAt(i + 1) == '\n')) i++;
        sb.append(' ');
        while (i + 1 < v.length() && (v.charAt(i + 1) == ' ' || v.charAt(i + 1) == '\t')) i++;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static byte[] readCapped(InputStream in, int cap) throws IOException {
    byte[] b = in.readNBytes(cap);
    // drain the rest so the parser can move on
    in.transferTo(java.io.OutputStream.nullOutputStream());
    return b;
  }

  /** Builds the part tree from mime4j's events. */
  private static final class Builder implements ContentHandler {
    MailPart root;
    final Deque<MailPart> stack = new ArrayDeque<>();
    int parts;

    private MailPart push(boolean enclosed) {
      MailPart top = stack.peek();
      MailPart p = new MailPart(top);
      p.enclosedMessage = enclosed;
      if (top == null) {
        if (root == null) root = p;
      } else if (parts < MAX_PARTS) {
        top.children.add(p);
      }
      parts++;
      stack.push(p);
      return p;
    }

    @Override
    public void startMessage() {
      push(!stack.isEmpty());
    }

    @Override
    public void endMessage() {
      if (!stack.isEmpty()) stack.pop();
    }

    @Override
    public void startBodyPart() {
      push(false);
    }

    @Override
    public void endBodyPart() {
      if (!stack.isEmpty()) stack.pop();
    }

    @Override
    public void startHeader() {}

    @Override
    public void field(Field rawField) {
      MailPart top = stack.peek();
      if (top != null && top.headers.size() < 1000) top.headers.add(header(rawField));
    }

    @Override
    public void endHeader() {
      MailPart top = stack.peek();
      if (top == null) return;
      String ct = top.header("Content-Type");
      if (ct != null) {
        int semi = ct.indexOf(';');
        String t = (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase(Locale.ROOT);
        if (t.indexOf('/') > 0) top.mimeType = t;
      } else if (top.parent != null && "multipart/digest".equals(top.parent.mimeType)) {
        top.mimeType = "message/rfc822";
      }
    }

    @Override
    public void preamble(InputStream is) throws IOException {
      MailPart top = stack.peek();
      byte[] b = readCapped(is, MAX_PART_TEXT);
      if (top != null && b.length > 0) top.preamble = decode(b, null);
    }

    @Override
    public void epilogue(InputStream is) throws IOException {
      MailPart top = stack.peek();
      byte[] b = readCapped(is, MAX_PART_TEXT);
      if (top != null && b.length > 0) top.epilogue = decode(b, null);
    }

    @Override
    public void startMultipart(BodyDescriptor bd) {
      MailPart top = stack.peek();
      if (top != null) top.mimeType = bd.getMimeType().toLowerCase(Locale.ROOT);
    }

    @Override
    public void endMultipart() {}

    @Override
    public void body(BodyDescriptor bd, InputStream is) throws IOException {
      MailPart top = stack.peek();
      byte[] b = readCapped(is, MAX_PART_TEXT);
      if (top == null) return;
      top.mimeType =
          bd.getMimeType() == null ? "text/plain" : bd.getMimeType().toLowerCase(Locale.ROOT);
      String cs = top.contentTypeParam("charset");
      top.charset = cs;
      String t = top.mimeType;
      if (t.startsWith("image/")
          || t.startsWith("audio/")
          || t.startsWith("video/")
          || (t.startsWith("application/") && !t.contains("json") && !t.contains("octet"))) {
        return;
      }
      top.text = decode(b, cs);
    }

    @Override
    public void raw(InputStream is) throws IOException {
      readCapped(is, 0);
    }
  }
}
