package dev.uptake.server.http;

import dev.uptake.core.ingest.Limits;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body, inflating {@code Content-Encoding: gzip}, and refuses anything over
 * {@link Limits#MAX_REQUEST_BYTES} after inflation, without reading further than that.
 */
final class RequestBodies {

  private RequestBodies() {}

  static byte[] read(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    String encoding = ctx.header("Content-Encoding");
    boolean gzip = encoding != null && encoding.trim().toLowerCase(Locale.ROOT).equals("gzip");
    if (encoding != null && !gzip && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
      throw ApiError.of(
              415, "unsupported_encoding", "Content-Encoding",
              "Content-Encoding '" + encoding + "' is not supported; send gzip or no encoding")
          .exception();
    }
    if (declared > Limits.MAX_REQUEST_BYTES) {
      throw tooLarge(declared);
    }
    try (InputStream raw = ctx.req().getInputStream();
        InputStream body = gzip ? new GZIPInputStream(raw) : raw) {
      byte[] bytes = body.readNBytes(Limits.MAX_REQUEST_BYTES + 1);
      if (bytes.length > Limits.MAX_REQUEST_BYTES) {
        throw tooLarge(-1);
      }
      return bytes;
    } catch (ZipException e) {
      throw ApiError.of(400, "malformed_gzip", "body", "the body is not valid gzip: " + e.getMessage())
          .exception();
    } catch (IOException e) {
      String reason = gzip ? "the gzip body could not be read: " : "the body could not be read: ";
      throw ApiError.of(400, "unreadable_body", "body", reason + e.getMessage()).exception();
    }
  }

  private static ApiError.ApiException tooLarge(long bytes) {
    String size = bytes >= 0 ? "the body is " + bytes + " bytes; " : "the body is larger than the limit; ";
    return ApiError.of(
            413, "request_too_large", "body",
            size + "the limit is " + Limits.MAX_REQUEST_BYTES + " bytes (500 KB) after decompression;"
                + " send smaller batches")
        .exception();
  }
}
