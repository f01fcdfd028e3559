package dev.uptake.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /openapi.json}: the OpenAPI document of every route (a resource kept beside the code;
 * {@code OpenApiTest} fails when a registered route is missing from it), and {@code GET /api}: the
 * same as a page to read. Both unauthenticated.
 */
public final class ApiDocs {

  private final byte[] document;
  private final String page;

  public ApiDocs(ObjectMapper json) {
    try (InputStream in = ApiDocs.class.getResourceAsStream("/api/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("api/openapi.json is missing from the jar");
      }
      this.document = in.readAllBytes();
      this.page = page(json.readTree(document));
    } catch (IOException e) {
      throw new UncheckedIOException("reading api/openapi.json", e);
    }
  }

  public void register(RoutesConfig routes) {
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(document));
    routes.get("/api", ctx -> html(ctx));
  }

  private void html(Context ctx) {
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  private static String page(JsonNode doc) {
    StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(doc.at("/info/title").asText()))
        .append("</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
            + "code,.path{font-family:ui-monospace,monospace}.op{border-top:1px solid #ddd;padding:.5rem 0}"
            + ".method{font-weight:bold;text-transform:uppercase;margin-right:.5rem}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}</style></head><body><h1>")
        .append(escape(doc.at("/info/title").asText())).append("</h1><p>").append(escape(doc.at("/info/description").asText()))
        .append("</p><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI ")
        .append(escape(doc.get("openapi").asText())).append(").</p>");
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
        JsonNode op = operation.getValue();
        html.append("<div class=\"op\"><h3><span class=\"method\">").append(escape(operation.getKey()))
            .append("</span><span class=\"path\">").append(escape(path.getKey())).append("</span></h3><p><b>")
            .append(escape(op.path("summary").asText())).append("</b>. ").append(escape(op.path("description").asText()))
            .append("</p>");
        if (op.has("parameters") && !op.get("parameters").isEmpty()) {
          html.append("<table><tr><th>parameter</th><th>in</th><th>meaning</th></tr>");
          for (JsonNode parameter : op.get("parameters")) {
            html.append("<tr><td><code>").append(escape(parameter.get("name").asText())).append("</code></td><td>")
                .append(escape(parameter.get("in").asText())).append("</td><td>")
                .append(escape(parameter.path("description").asText())).append("</td></tr>");
          }
          html.append("</table>");
        }
        html.append("<p>Answers: ");
        op.get("responses").properties().forEach(response -> html.append("<code>").append(escape(response.getKey()))
            .append("</code> ").append(escape(response.getValue().path("description").asText())).append(" "));
        html.append("</p></div>");
      }
    }
    return html.append("</body></html>").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
