package dev.uptake.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty refuses before a route sees the request (a malformed URI, a header too large, a bad
 * request line) answered in the API's one error shape instead of Jetty's HTML page.
 */
public final class JettyErrors extends ErrorHandler {

  private final ObjectMapper json;

  public JettyErrors(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected boolean generateAcceptableResponse(
      Request request, Response response, Callback callback, String contentType, List<Charset> charsets,
      int code, String message, Throwable cause) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    return true;
  }

  private byte[] body(int status, String message) {
    String reason = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
    try {
      return json.writeValueAsBytes(ApiError.of(status, "http_" + status, null,
          reason + (status == 400 ? ": the request is malformed (check the URL's percent-escapes and the headers)" : "")));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an ApiError always serializes", e);
    }
  }
}
