package dev.uptake.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.ingest.Warning;
import java.util.List;

/** An event's warnings as the stores keep them: a JSON array, or null when there are none. */
public final class WarningsJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private WarningsJson() {}

  public static String write(List<Warning> warnings) {
    if (warnings.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(warnings);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("warnings are plain records", e);
    }
  }
}
