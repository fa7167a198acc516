package dev.petrel.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a DNS check of a sender domain found, record by record.
 *
 * @param domain the domain
 * @param at when it was checked
 * @param results one per record, in the order of {@link DomainRecords#of}
 */
public record DomainCheck(String domain, Instant at, List<Result> results) {

  public enum Status {
    /** Published as expected. */
    OK,
    /** Nothing of the kind is published. */
    MISSING,
    /** Something is published but it is not what is expected. */
    WRONG,
    /** The lookup failed (timeout, SERVFAIL...): nothing can be said now. */
    UNKNOWN;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One record's result.
   *
   * @param kind which record
   * @param name where it was looked up
   * @param status the verdict
   * @param found the TXT texts found there that are of this kind (or all TXT texts when none is)
   * @param expected the text Petrel expects
   * @param explanation the verdict in plain words, with what to do
   */
  public record Result(
      DomainRecords.Kind kind,
      String name,
      Status status,
      List<String> found,
      String expected,
      String explanation) {
    public Result {
      found = List.copyOf(found);
    }

    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind.id());
      m.put("name", name);
      m.put("status", status.id());
      m.put("required", kind.required());
      m.put("found", found);
      m.put("expected", expected);
      m.put("explanation", explanation);
      return m;
    }
  }

  public DomainCheck {
    results = List.copyOf(results);
  }

  /**
   * Whether the domain's mail may be signed: true when both DKIM records are right, false when
   * either is missing or wrong, null when a lookup failed and nothing else was wrong.
   */
  public Boolean verified() {
    boolean unknown = false;
    for (Result r : results) {
      if (!r.kind().required()) continue;
      if (r.status() == Status.MISSING || r.status() == Status.WRONG) return false;
      if (r.status() == Status.UNKNOWN) unknown = true;
    }
    return unknown ? null : true;
  }

  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("domain", domain);
    m.put("checked", at.toString());
    m.put("verified", verified());
    List<Map<String, Object>> rs = new ArrayList<>();
    for (Result r : results) rs.add(r.json());
    m.put("records", rs);
    return m;
  }
}
