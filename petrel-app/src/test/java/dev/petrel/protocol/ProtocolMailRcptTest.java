package dev.petrel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.Recipient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolMailRcptTest {

  @Test
  void parsesEveryMailParameter() throws CommandRejectedException {
    MailFrom m =
        MailFrom.parse(
            "FROM:<a@Example.ORG> SIZE=1234 BODY=8bitmime SMTPUTF8 RET=hdrs ENVID=QQ+2Bx AUTH=<>");
    assertThat(m.sender().toString()).isEqualTo("a@example.org");
    assertThat(m.size()).isEqualTo(1234);
    assertThat(m.body()).isEqualTo("8BITMIME");
    assertThat(m.smtputf8()).isTrue();
    assertThat(m.ret()).isEqualTo("HDRS");
    assertThat(m.envid()).isEqualTo("QQ+2Bx");
    assertThat(m.auth()).isEqualTo("<>");
  }

  @Test
  void nullSenderSourceRouteAndSpaceAfterColon() throws CommandRejectedException {
    assertThat(MailFrom.parse("FROM:<>").sender()).isNull();
    assertThat(MailFrom.parse("from: <a@b.example>").sender().toString()).isEqualTo("a@b.example");
    assertThat(MailFrom.parse("FROM:<@relay.example,@r2.example:a@b.example>").sender().domain())
        .isEqualTo("b.example");
    assertThat(MailFrom.parse("FROM:<\"odd > name\"@b.example>").sender().localPart())
        .isEqualTo("\"odd > name\"");
    assertThat(MailFrom.parse("FROM:<a@b.example>").size()).isEqualTo(-1);
    assertThat(MailFrom.parse("FROM:<a@b.example> SIZE=99999999999999999999999").size())
        .isEqualTo(Long.MAX_VALUE);
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "<a@b.example>|501|5.5.4",
        "FROM:a@b.example|501|5.1.7",
        "FROM:<a@b.example|501|5.1.7",
        "FROM:<a@b.example>SIZE=1|501|5.5.4",
        "FROM:<a@@b.example>|501|5.1.7",
        "FROM:<a@b..example>|501|5.1.7",
        "FROM:<@relay.example a@b.example>|501|5.1.7",
        "FROM:<a@b.example> SIZE=|501|5.5.4",
        "FROM:<a@b.example> SIZE=-1|501|5.5.4",
        "FROM:<a@b.example> SIZE=1k|501|5.5.4",
        "FROM:<a@b.example> SIZE|501|5.5.4",
        "FROM:<a@b.example> BODY=9BIT|501|5.5.4",
        "FROM:<a@b.example> SMTPUTF8=yes|501|5.5.4",
        "FROM:<a@b.example> RET=ALL|501|5.5.4",
        "FROM:<a@b.example> ENVID=a+zz|501|5.5.4",
        "FROM:<a@b.example> AUTH=a+|501|5.5.4",
        "FROM:<a@b.example> SIZE=1 SIZE=2|501|5.5.4",
        "FROM:<a@b.example> -BAD|501|5.5.4",
        "FROM:<a@b.example> X=a=b|501|5.5.4",
        "FROM:<a@b.example> XVERP|555|5.5.4",
        "FROM:<a@b.example> NOTIFY=NEVER|555|5.5.4",
        "FROM:<jos\u00e9@b.example>|553|5.6.7",
      })
  void refusesMailPrecisely(String argument, int code, String enhanced) {
    assertThatThrownBy(() -> MailFrom.parse(argument))
        .isInstanceOfSatisfying(
            CommandRejectedException.class,
            e -> {
              assertThat(e.reply().code()).isEqualTo(code);
              assertThat(e.reply().enhanced()).isEqualTo(enhanced);
            });
  }

  @Test
  void envidOfMoreThan100CharactersIsRefused() throws CommandRejectedException {
    assertThat(MailFrom.parse("FROM:<a@b.example> ENVID=" + "x".repeat(100)).envid()).hasSize(100);
    assertThatThrownBy(() -> MailFrom.parse("FROM:<a@b.example> ENVID=" + "x".repeat(101)))
        .isInstanceOf(CommandRejectedException.class);
  }

  @Test
  void pathLongerThan256OctetsIsRefused() {
    String local = "l".repeat(64);
    String domain = ("d".repeat(60) + ".").repeat(3) + "d".repeat(10) + ".example";
    assertThatThrownBy(() -> MailFrom.parse("FROM:<" + local + "@" + domain + ">"))
        .isInstanceOfSatisfying(
            CommandRejectedException.class,
            e -> assertThat(e.reply().enhanced()).isEqualTo("5.1.7"));
  }

  @Test
  void parsesRecipientWithDsnParameters() throws CommandRejectedException {
    Recipient r =
        RcptTo.parse(
            "TO:<bob@example.org> NOTIFY=success,delay ORCPT=rfc822;bob+40x@example.org", false);
    assertThat(r.address().toString()).isEqualTo("bob@example.org");
    assertThat(r.dsnNotify()).isEqualTo("SUCCESS,DELAY");
    assertThat(r.dsnOrcpt()).isEqualTo("rfc822;bob+40x@example.org");
    assertThat(RcptTo.parse("TO:<bob@example.org> NOTIFY=NEVER", false).dsnNotify())
        .isEqualTo("NEVER");
    assertThat(RcptTo.parse("TO:<用户@例子.广告>", true).address().needsUtf8()).isTrue();
    assertThat(RcptTo.parse("TO:<a@b.example> ORCPT=utf-8;用户@例子.广告", true).dsnOrcpt())
        .startsWith("utf-8;");
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "<a@b.example>|501|5.5.4",
        "TO:<>|501|5.1.3",
        "TO:<postmaster>|501|5.1.3",
        "TO:<a@b.example> NOTIFY=NEVER,SUCCESS|501|5.5.4",
        "TO:<a@b.example> NOTIFY=SOMETIMES|501|5.5.4",
        "TO:<a@b.example> NOTIFY|501|5.5.4",
        "TO:<a@b.example> ORCPT=bob@example.org|501|5.5.4",
        "TO:<a@b.example> ORCPT=rfc822;|501|5.5.4",
        "TO:<a@b.example> ORCPT=rfc 822;x|501|5.5.4",
        "TO:<a@b.example> ORCPT=rfc822;a+2|501|5.5.4",
        "TO:<a@b.example> SIZE=10|555|5.5.4",
        "TO:<\u00fc@b.example>|553|5.6.7",
      })
  void refusesRecipientsPrecisely(String argument, int code, String enhanced) {
    assertThatThrownBy(() -> RcptTo.parse(argument, false))
        .isInstanceOfSatisfying(
            CommandRejectedException.class,
            e -> {
              assertThat(e.reply().code()).isEqualTo(code);
              assertThat(e.reply().enhanced()).isEqualTo(enhanced);
            });
  }

  @Test
  void splitsCommandLines() {
    CommandLine c = CommandLine.parse("mail FROM:<a@b>  SIZE=1  ");
    assertThat(c.command()).isEqualTo(Command.MAIL);
    assertThat(c.verb()).isEqualTo("mail");
    assertThat(c.argument()).isEqualTo("FROM:<a@b>  SIZE=1");
    assertThat(CommandLine.parse("QUIT").hasArgument()).isFalse();
    assertThat(CommandLine.parse("").command()).isNull();
    assertThat(CommandLine.parse("MAIL\u0000 x").command()).isNull();
    assertThat(CommandLine.parse("GET / HTTP/1.1").command()).isNull();
    assertThat(Command.of("starttls")).isEqualTo(Command.STARTTLS);
  }

  @Test
  void commandTableCarriesThePipeliningRulesOfRfc2920() {
    for (Command c : Command.values()) {
      boolean mustEndGroup =
          switch (c) {
            case EHLO, HELO, DATA, VRFY, EXPN, TURN, ATRN, QUIT, NOOP, STARTTLS, AUTH, XCLIENT ->
                true;
            default -> false;
          };
      assertThat(c.endsGroup()).as(c.name()).isEqualTo(mustEndGroup);
    }
    assertThat(Command.MAIL.beforeAuthentication()).isFalse();
    assertThat(Command.AUTH.maxLineOctets()).isEqualTo(12288);
    assertThat(Command.RCPT.maxLineOctets()).isEqualTo(512);
  }

  @ParameterizedTest
  @CsvSource({"100,100,false", "0 LAST,0,true", "7 last,7,true", "12  LAST,12,true"})
  void parsesBdatHeaders(String argument, long size, boolean last) throws CommandRejectedException {
    assertThat(ChunkHeader.parse(argument)).isEqualTo(new ChunkHeader(size, last));
  }

  @ParameterizedTest
  @CsvSource({"''", "-1", "1x", "10 FIRST", "1 LAST x", "1234567890123456789"})
  void refusesBadBdatHeaders(String argument) {
    assertThatThrownBy(() -> ChunkHeader.parse(argument))
        .isInstanceOfSatisfying(
            CommandRejectedException.class,
            e -> assertThat(e.reply().toString()).startsWith("501 5.5.4"));
  }

  @Test
  void xtextRoundTrips() {
    assertThat(Xtext.encode("a+b=c d\u00e9")).isEqualTo("a+2Bb+3Dc+20d+C3+A9");
    assertThat(Xtext.decode("a+2Bb+3Dc+20d+C3+A9")).isEqualTo("a+b=c d\u00e9");
    assertThat(Xtext.isValid("a+2")).isFalse();
    assertThat(Xtext.isValid("a=b")).isFalse();
    assertThat(Xtext.isValid("a b")).isFalse();
  }

  @Test
  void saslPlainDecodesAndRefusesMalformedMessages() {
    SaslPlain p =
        SaslPlain.decode("\0alice\0s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(p).isEqualTo(new SaslPlain("", "alice", "s3cret"));
    assertThat(SaslPlain.decode(java.util.Base64.getDecoder().decode(p.encode()))).isEqualTo(p);
    assertThat(p.toString()).doesNotContain("s3cret");
    for (String bad : new String[] {"alice", "\0alice", "a\0b\0c\0d", "\0\0pw", "\0alice\0"})
      assertThatThrownBy(
              () -> SaslPlain.decode(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
  }
}
