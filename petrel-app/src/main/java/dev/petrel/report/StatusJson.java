package dev.petrel.report;

import dev.petrel.status.ReplyStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The JSON shape of a classified reply, shared by every command and API that prints one. */
public final class StatusJson {

  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private StatusJson() {}

  /** The fields, in a stable order; scripts depend on the names. */
  public static Map<String, Object> fields(ReplyStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", s.code() == 0 ? null : s.code());
    m.put("enhanced", s.enhanced() == null ? null : s.enhanced().toString());
    m.put("enhanced_inferred", s.reply().enhancedInferred());
    m.put("text", s.text());
    m.put("bounce", s.bounce().id());
    m.put("final", s.isFinal());
    m.put("reason", s.reason().id());
    m.put("action", s.action().id());
    m.put("retry_after_seconds", s.retryAfter() == null ? null : s.retryAfter().toSeconds());
    m.put("who", s.who().id());
    m.put("meaning", s.meaning());
    m.put("solution", s.solution());
    m.put("confidence", s.confidence());
    m.put("matched", s.matched().toString());
    m.put("matched_source", s.matched().source());
    m.put("class_meaning", s.classMeaning());
    m.put("subject_meaning", s.subjectMeaning());
    m.put("code_title", s.codeTitle());
    m.put("enhanced_subject", s.enhancedSubjectMeaning());
    m.put("enhanced_title", s.enhancedTitle());
    return m;
  }

  public static String line(Map<String, Object> fields) {
    return MAPPER.writeValueAsString(fields);
  }
}
