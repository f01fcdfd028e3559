package dev.uptake.server.http;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Every 4xx/5xx body: {@code {"success":false,"error":…,"field":…,"reason":…}}. {@code success}
 * is there because Segment's SDKs read it; {@code line} and {@code column} only for malformed
 * JSON.
 *
 * @param error a stable code a program can branch on
 * @param field the field at fault, or null when none is
 * @param reason a sentence for a person: what was wrong and what to do
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"success", "error", "field", "reason"})
public record ApiError(
    @JsonIgnore int status, String error, String field, String reason, Integer line, Integer column) {

  @JsonProperty("success")
  public boolean success() {
    return false;
  }

  public static ApiError of(int status, String error, String field, String reason) {
    return new ApiError(status, error, field, reason, null, null);
  }

  /** 404 for an id the workspace does not have (another workspace's ids included). */
  public static ApiError notFound(String what, String id) {
    return of(404, "not_found", "id", "no " + what + " has the id '" + id + "' in this workspace");
  }

  /** The exception that carries this error to the one handler that renders it. */
  public ApiException exception() {
    return new ApiException(this);
  }

  /** Thrown by handlers; rendered by {@link Responses#renderError}. */
  public static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    ApiException(ApiError error) {
      super(error.reason(), null, false, false);
      this.error = error;
    }

    public ApiError error() {
      return error;
    }
  }
}
