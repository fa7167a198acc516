package dev.petrel.status.codes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Action;
import dev.petrel.status.Bounce;
import dev.petrel.status.Reason;
import dev.petrel.status.Who;
import dev.petrel.status.data.DataFile;
import dev.petrel.status.data.DataFile.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the bundled code data files against the lists they must cover: every RFC 5321 basic code
 * Petrel documents (docs/classification.md), the whole IANA enhanced status code registry, and
 * every reason. Reads the files with {@link DataFile} only, so it tests the data and not the
 * loader.
 */
class CodeDataCompletenessTest {

  private static final String DIR = "/dev/petrel/status/";

  /** RFC 5321 §4.2.2/§4.2.3, RFC 4954 §6 and RFC 7504: the basic codes Petrel must explain. */
  private static final List<Integer> REQUIRED_BASIC =
      List.of(
          211, 214, 220, 221, 250, 251, 252, 354, 421, 432, 450, 451, 452, 454, 455, 500, 501, 502,
          503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556);

  /** Highest detail number of each subject X.0 to X.7 in the IANA registry (all are contiguous). */
  private static final int[] REGISTRY_LAST_DETAIL = {0, 10, 4, 6, 7, 6, 10, 30};

  private static final Set<Reason> HARD =
      EnumSet.of(
          Reason.USERUNKNOWN,
          Reason.HOSTUNKNOWN,
          Reason.HASMOVED,
          Reason.NOTACCEPT,
          Reason.SUSPEND);

  private static final Set<Reason> NOT_A_FAILURE =
      EnumSet.of(Reason.DELIVERED, Reason.VACATION, Reason.FEEDBACK);

  private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s+[A-Z\"(]|$)");

  private static List<Block> read(String name) {
    return DataFile.resource(CodeDataCompletenessTest.class, DIR + name);
  }

  private static Map<String, Block> byKey(List<Block> blocks, String key) {
    Map<String, Block> out = new LinkedHashMap<>();
    for (Block b : blocks) {
      if (!b.has(key)) continue;
      Block previous = out.put(b.require(key), b);
      assertThat(previous).as("%s: %s '%s' given twice", b.source(), key, b.get(key)).isNull();
    }
    return out;
  }

  private static String kind(Block b) {
    return b.values().keySet().iterator().next();
  }

  private static void requireKeys(Block b, String... keys) {
    requireKeys(b, Set.of(), keys);
  }

  /** Every key in {@code keys} present and not blank; {@code optional} keys may be empty. */
  private static void requireKeys(Block b, Set<String> optional, String... keys) {
    for (String k : keys)
      assertThat(b.get(k)).as("%s:%d lacks '%s'", b.source(), b.line(), k).isNotBlank();
    Set<String> allowed = new java.util.HashSet<>(Set.of(keys));
    allowed.addAll(optional);
    for (String k : b.values().keySet())
      assertThat(allowed.contains(k) || k.equals(kind(b)))
          .as("%s:%d has unknown key '%s'", b.source(), b.line(), k)
          .isTrue();
  }

  /** meaning and solution: one or two plain sentences, as docs/classification.md promises. */
  private static void plainText(Block b, String key) {
    String v = b.require(key);
    long sentences = SENTENCE_END.matcher(v).results().count();
    assertThat(sentences)
        .as("%s:%d %s should be one or two sentences: %s", b.source(), b.line(), key, v)
        .isBetween(1L, 2L);
    assertThat(v.length()).as("%s:%d %s is too long", b.source(), b.line(), key).isLessThan(320);
  }

  private static Reason canonicalReason(Block b) {
    Reason r = Reason.of(b.require("reason"));
    assertThat(r.id())
        .as("%s:%d uses an alias reason name", b.source(), b.line())
        .isEqualTo(b.require("reason"));
    return r;
  }

  private static void enumValues(Block b) {
    canonicalReason(b);
    Action.of(b.require("action"));
    Who.of(b.require("who"));
  }

  @Test
  void basicCodesCoverClassesSubjectsAndEveryRequiredCode() {
    List<Block> blocks = read("basic-codes.txt");
    assertThat(blocks).allSatisfy(b -> assertThat(kind(b)).isIn("class", "subject", "code"));

    Map<String, Block> classes = byKey(blocks, "class");
    assertThat(classes.keySet()).containsExactly("2", "3", "4", "5");
    Map<String, Block> subjects = byKey(blocks, "subject");
    assertThat(subjects.keySet()).containsExactly("0", "1", "2", "3", "4", "5");
    for (Block b : concat(classes, subjects)) {
      requireKeys(b, "title", "meaning", "source");
      plainText(b, "meaning");
    }
    // x3 and x4 are unspecified in RFC 5321; the popular labels must be called out.
    assertThat(subjects.get("3").require("meaning")).contains("e-mail address", "RFC 5321");
    assertThat(subjects.get("4").require("meaning")).contains("message service", "RFC");

    Map<String, Block> codes = byKey(blocks, "code");
    assertThat(codes.keySet().stream().map(Integer::valueOf).toList()).containsAll(REQUIRED_BASIC);
    for (Block b : codes.values()) {
      requireKeys(b, "title", "meaning", "solution", "reason", "action", "who", "source");
      enumValues(b);
      plainText(b, "meaning");
      plainText(b, "solution");
      int code = Integer.parseInt(b.require("code"));
      assertThat(code).isBetween(200, 599);
      Reason r = canonicalReason(b);
      if (code < 400) {
        assertThat(r).as("code %d", code).isEqualTo(Reason.DELIVERED);
        assertThat(b.require("action")).as("code %d", code).isEqualTo("none");
      } else {
        assertThat(r).as("code %d", code).isNotIn(Reason.DELIVERED, Reason.VACATION);
      }
      if (code >= 400 && code < 500)
        assertThat(b.require("action")).as("code %d", code).isNotEqualTo("suppress");
    }
  }

  @Test
  void enhancedCodesHoldTheWholeIanaRegistry() {
    List<Block> blocks = read("enhanced-codes.txt");
    assertThat(blocks).allSatisfy(b -> assertThat(kind(b)).isIn("class", "subject", "code"));

    Map<String, Block> classes = byKey(blocks, "class");
    assertThat(classes.keySet()).containsExactly("2", "4", "5");
    Map<String, Block> subjects = byKey(blocks, "subject");
    assertThat(subjects.keySet())
        .containsExactlyElementsOf(IntStream.rangeClosed(0, 7).mapToObj(i -> "X." + i).toList());
    for (Block b : concat(classes, subjects)) {
      requireKeys(b, "title", "meaning", "source");
      plainText(b, "meaning");
    }

    List<String> expected = new ArrayList<>();
    for (int s = 0; s < REGISTRY_LAST_DETAIL.length; s++)
      for (int d = 0; d <= REGISTRY_LAST_DETAIL[s]; d++) expected.add("X." + s + "." + d);
    Map<String, Block> codes = byKey(blocks, "code");
    assertThat(codes.keySet()).containsExactlyElementsOf(expected);
    assertThat(codes).hasSize(81);

    for (Block b : codes.values()) {
      requireKeys(
          b, Set.of("basic"), "title", "meaning", "solution", "reason", "action", "who", "source");
      assertThat(b.has("basic")).as("%s has a basic key", b.get("code")).isTrue();
      enumValues(b);
      plainText(b, "meaning");
      plainText(b, "solution");
      String basic = b.get("basic");
      if (!basic.isEmpty())
        assertThat(basic.split(" "))
            .as("%s basic codes", b.get("code"))
            .allSatisfy(c -> assertThat(c).matches("[2-5][0-9][0-9]"));
    }

    // Spot checks of registry facts and of choices the engine depends on.
    assertThat(codes.get("X.1.1").get("basic")).isEqualTo("451 550");
    assertThat(codes.get("X.1.10").get("basic")).isEqualTo("556");
    assertThat(codes.get("X.7.27").get("basic")).isEqualTo("550");
    assertThat(reasonOf(codes, "X.1.1")).isEqualTo(Reason.USERUNKNOWN);
    assertThat(reasonOf(codes, "X.1.2")).isEqualTo(Reason.HOSTUNKNOWN);
    assertThat(reasonOf(codes, "X.1.6")).isEqualTo(Reason.HASMOVED);
    assertThat(reasonOf(codes, "X.1.10")).isEqualTo(Reason.NOTACCEPT);
    assertThat(reasonOf(codes, "X.2.1")).isEqualTo(Reason.SUSPEND);
    assertThat(reasonOf(codes, "X.2.2")).isEqualTo(Reason.MAILBOXFULL);
    assertThat(reasonOf(codes, "X.3.4")).isEqualTo(Reason.EMAILTOOLARGE);
    assertThat(reasonOf(codes, "X.4.7")).isEqualTo(Reason.EXPIRED);
    assertThat(reasonOf(codes, "X.7.25")).isEqualTo(Reason.REQUIREPTR);
    assertThat(reasonOf(codes, "X.7.26")).isEqualTo(Reason.AUTHFAILURE);
    // The sender's own domain has a null MX: never a hard bounce of the recipient.
    assertThat(HARD).doesNotContain(reasonOf(codes, "X.7.27"));
  }

  @Test
  void reasonsFileExplainsEveryReasonOnceWithValidDefaults() {
    List<Block> blocks = read("reasons.txt");
    assertThat(blocks).allSatisfy(b -> assertThat(kind(b)).isEqualTo("reason"));
    Map<String, Block> reasons = byKey(blocks, "reason");
    assertThat(reasons.keySet())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Reason.values()).map(Reason::id).toList());

    for (Block b : reasons.values()) {
      requireKeys(
          b,
          "bounce",
          "action",
          "action-transient",
          "who",
          "subjects",
          "meaning",
          "solution",
          "source");
      Reason r = canonicalReason(b);
      Bounce bounce = Bounce.of(b.require("bounce"));
      Action.of(b.require("action"));
      Action.of(b.require("action-transient"));
      Who.of(b.require("who"));
      plainText(b, "meaning");
      plainText(b, "solution");

      // Hard only when the address itself is dead.
      if (HARD.contains(r)) assertThat(bounce).as(r.id()).isEqualTo(Bounce.HARD);
      else if (NOT_A_FAILURE.contains(r)) assertThat(bounce).as(r.id()).isEqualTo(Bounce.NONE);
      else assertThat(bounce).as(r.id()).isEqualTo(Bounce.SOFT);
    }
    assertThat(reasons.get("greylisted").require("action-transient")).isEqualTo("retry-after");
    assertThat(reasons.get("ratelimited").require("action-transient")).isEqualTo("slow-down");
    assertThat(reasons.get("badreputation").require("action-transient")).isEqualTo("slow-down");
    // Suppression is for dead addresses and complaints, never for sender-side causes.
    Predicate<Block> suppresses = b -> b.require("action").equals("suppress");
    assertThat(
            reasons.values().stream()
                .filter(suppresses)
                .map(b -> b.require("reason"))
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(
            "userunknown",
            "hostunknown",
            "hasmoved",
            "notaccept",
            "suspend",
            "suppressed",
            "feedback");
  }

  @Test
  void codeRecordsAgreeWithTheirReasonsDefaults() {
    Map<String, Block> reasons = byKey(read("reasons.txt"), "reason");
    Map<String, String> mismatches = new HashMap<>();
    for (Block b : byKey(read("basic-codes.txt"), "code").values()) {
      int code = Integer.parseInt(b.require("code"));
      Block r = reasons.get(b.require("reason"));
      String want =
          code < 400 ? "none" : code < 500 ? r.require("action-transient") : r.require("action");
      if (!want.equals(b.require("action"))) mismatches.put(b.get("code"), b.require("action"));
      assertThat(b.require("who")).isEqualTo(code < 400 ? "nobody" : r.require("who"));
    }
    // 422 and 432 (password transition): waiting does not help, the login must change.
    assertThat(mismatches).containsOnlyKeys("422", "432");
    for (Block b : byKey(read("enhanced-codes.txt"), "code").values()) {
      Block r = reasons.get(b.require("reason"));
      // X.5.3 (too many recipients in this transaction) refines its reason's action: the rest go in
      // a new transaction (RFC 5321 §4.5.3.1.10), the destination is not slowed down.
      if (b.get("code").equals("X.5.3")) {
        assertThat(b.require("action")).isEqualTo("split-recipients");
        continue;
      }
      assertThat(b.require("action")).as(b.get("code")).isEqualTo(r.require("action"));
      assertThat(b.require("who")).as(b.get("code")).isEqualTo(r.require("who"));
    }
  }

  private static Reason reasonOf(Map<String, Block> codes, String key) {
    return Reason.of(codes.get(key).require("reason"));
  }

  private static List<Block> concat(Map<String, Block> a, Map<String, Block> b) {
    return Stream.concat(a.values().stream(), b.values().stream()).toList();
  }
}
