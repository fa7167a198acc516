package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies as servers send them, whole, split, multi-line and malformed. */
class ReplyReaderTest {

  static ReplyReader reader(String s) {
    return new ReplyReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void singleAndMultiLine() throws IOException {
    ReplyReader r = reader("220 mx ready\r\n250-mx\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
    assertThat(r.read()).isEqualTo(new ReplyReader.Raw(220, List.of("220 mx ready")));
    ReplyReader.Raw ehlo = r.read();
    assertThat(ehlo.code()).isEqualTo(250);
    assertThat(ehlo.lines()).containsExactly("250-mx", "250-PIPELINING", "250 SIZE 1000");
    assertThat(ehlo.joined()).isEqualTo("250-mx\r\n250-PIPELINING\r\n250 SIZE 1000");
  }

  @Test
  void bareLfCodeOnlyAndUtf8() throws IOException {
    ReplyReader r = reader("250\n550 5.1.1 Benutzer unbekannt: jürgen\n");
    assertThat(r.read().lines()).containsExactly("250");
    assertThat(r.read().lines()).containsExactly("550 5.1.1 Benutzer unbekannt: jürgen");
  }

  @Test
  void repliesSplitAcrossReads() throws IOException {
    List<InputStream> parts =
        List.of("25", "0-first\r", "\n250 sec", "ond\r\n").stream()
            .map(s -> (InputStream) new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)))
            .toList();
    ReplyReader r = new ReplyReader(new SequenceInputStream(Collections.enumeration(parts)));
    assertThat(r.read().lines()).containsExactly("250-first", "250 second");
  }

  @Test
  void closedConnection() {
    assertThatThrownBy(() -> reader("250-partial\r\n").read()).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> reader("").read()).isInstanceOf(EOFException.class);
  }

  @Test
  void malformedReplies() {
    for (String bad :
        List.of("hello\r\n", "25\r\n", "2x0 ok\r\n", "250_ok\r\n", "199 low\r\n", "600 high\r\n")) {
      assertThatThrownBy(() -> reader(bad).read())
          .as(bad)
          .isInstanceOf(ReplyReader.MalformedReplyException.class);
    }
  }

  @Test
  void boundedLinesAndReplies() {
    assertThatThrownBy(() -> reader("250 " + "x".repeat(10_000) + "\r\n").read())
        .isInstanceOf(ReplyReader.MalformedReplyException.class)
        .hasMessageContaining("8192");
    assertThatThrownBy(() -> reader("250-x\r\n".repeat(300)).read())
        .isInstanceOf(ReplyReader.MalformedReplyException.class)
        .hasMessageContaining("200 lines");
  }
}
