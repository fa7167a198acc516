package dev.petrel.status;

/**
 * Which piece of evidence decided a classification, so that a person can see why.
 *
 * @param kind what decided: {@code operator-rule}, {@code provider-rule}, {@code mta-rule}, {@code
 *     enhanced-code}, {@code basic-code}, or {@code none}
 * @param id the rule's id or the code that decided (e.g. {@code google-receiving-rate}, {@code
 *     5.1.1}, {@code 550})
 * @param source where the fact comes from (a URL or an RFC section)
 */
public record Matched(String kind, String id, String source) {

  @Override
  public String toString() {
    return kind + ":" + id;
  }
}
