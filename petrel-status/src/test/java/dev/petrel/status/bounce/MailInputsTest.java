package dev.petrel.status.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailInputsTest {

  @TempDir Path dir;

  private List<MailInputs.Mail> read(Path path, List<String> errors) {
    List<MailInputs.Mail> mails = new ArrayList<>();
    MailInputs.read(path, mails::add, (where, what) -> errors.add(where));
    return mails;
  }

  @Test
  void foldersAreReadRecursivelyInNameOrderWithoutHiddenFiles() throws IOException {
    Files.writeString(dir.resolve("b.eml"), "Subject: b\n\nbody b\n");
    Files.writeString(dir.resolve("a.eml"), "Subject: a\n\nbody a\n");
    Files.writeString(dir.resolve(".hidden.eml"), "Subject: hidden\n\n");
    Files.createDirectories(dir.resolve("cur"));
    Files.writeString(dir.resolve("cur/c.eml"), "Subject: c\n\n");
    Files.writeString(
        dir.resolve("mbox"), "From a\nSubject: 1\n\none\n\nFrom b\nSubject: 2\n\ntwo\n");
    Files.createFile(dir.resolve("empty.eml"));
    try {
      Files.createSymbolicLink(dir.resolve("link.eml"), dir.resolve("a.eml"));
    } catch (UnsupportedOperationException | IOException e) {
      Files.writeString(dir.resolve("link.eml"), "Subject: a\n\nbody a\n");
    }
    List<String> errors = new ArrayList<>();
    List<MailInputs.Mail> mails = read(dir, errors);
    assertThat(errors).isEmpty();
    assertThat(mails)
        .extracting(m -> dir.relativize(Path.of(m.name().replaceFirst("#\\d+$", ""))).toString())
        .containsExactly("a.eml", "b.eml", "cur/c.eml", "empty.eml", "link.eml", "mbox", "mbox");
    assertThat(new String(mails.get(0).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("Subject: a\n\nbody a\n");
    assertThat(mails.get(3).bytes()).isEmpty();
    assertThat(new String(mails.get(4).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("Subject: a\n\nbody a\n");
    assertThat(mails.get(5).name()).endsWith("mbox#1");
    assertThat(new String(mails.get(6).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("Subject: 2\n\ntwo\n");
  }

  @Test
  void missingPathsAreReportedAndSingleFilesRead() throws IOException {
    List<String> errors = new ArrayList<>();
    assertThat(read(dir.resolve("missing.eml"), errors)).isEmpty();
    assertThat(errors).containsExactly(dir.resolve("missing.eml").toString());
    Path one = Files.writeString(dir.resolve("one.eml"), "Subject: one\n\n");
    assertThat(read(one, errors)).extracting(MailInputs.Mail::name).containsExactly(one.toString());
  }
}
