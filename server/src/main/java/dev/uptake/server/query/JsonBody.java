package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.http.ApiError;
import io.javalin.http.Context;
import java.io.IOException;

/** A request's JSON body, or a 400 that says it is not JSON. */
public final class JsonBody {

  private JsonBody() {}

  /** @param what what the body holds, for the error ("the settings") */
  public static JsonNode read(Context ctx, ObjectMapper json, String what) {
    try {
      return json.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw ApiError.of(400, "malformed_json", "body", what + " is not valid JSON: " + e.getMessage()).exception();
    }
  }
}
