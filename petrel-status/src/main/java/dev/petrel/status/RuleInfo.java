package dev.petrel.status;

/**
 * What a classification rule is and what it concludes, as the engine's API shows it (the rule's
 * phrases and conditions stay internal).
 *
 * @param kind {@code operator-rule}, {@code provider-rule} or {@code mta-rule}
 * @param id the rule's id, as {@link Matched#id()} names it when the rule decides
 * @param provider the provider or MTA whose wording the rule knows (a name starting with {@code
 *     generic} for wording shared by many products), or null
 * @param reason the reason the rule concludes
 * @param source where the rule's facts come from (a URL or an RFC section), or null
 */
public record RuleInfo(String kind, String id, String provider, Reason reason, String source) {}
