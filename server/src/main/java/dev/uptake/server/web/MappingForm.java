package dev.uptake.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.mapping.Mapping;
import dev.uptake.core.mapping.MappingCodec;
import io.javalin.http.Context;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Mappings section of Account settings as typed: one path (or name) per line, renames as
 * {@code Old => New}. Read into JSON for the same {@link MappingCodec} as {@code PUT
 * /api/v1/mappings}, so a refusal names the same entry, shown next to its text area.
 *
 * @param errorField the codec's entry ({@code module[1]}, {@code pages.feature[0]}, {@code rename.X}), or ""
 */
public record MappingForm(
    String module, String feature, String account, String sessionKey, String pagesFeature, String pagesModule,
    String exclude, String rename, String errorField, String errorMessage) {

  static final String ARROW = " => ";

  /** The text area the refusal names: {@code module}, {@code pagesFeature}, {@code rename}, … */
  public boolean errorIn(String area) {
    String field = errorField.startsWith("pages.")
        ? "pages" + Character.toUpperCase(errorField.charAt(6)) + errorField.substring(7) : errorField;
    return field.equals(area) || field.startsWith(area + "[") || field.startsWith(area + ".");
  }

  static MappingForm of(Mapping mapping) {
    StringBuilder rename = new StringBuilder();
    new TreeMap<>(mapping.rename()).forEach((from, to) -> rename.append(from).append(ARROW).append(to).append('\n'));
    return new MappingForm(lines(mapping.module()), lines(mapping.feature()), lines(mapping.account()),
        lines(mapping.sessionKey()), lines(mapping.pagesFeature()), lines(mapping.pagesModule()),
        String.join("\n", new TreeSet<>(mapping.exclude())), rename.toString().strip(), "", "");
  }

  /** The form as posted. */
  static MappingForm posted(Context ctx) {
    return new MappingForm(param(ctx, "module"), param(ctx, "feature"), param(ctx, "account"),
        param(ctx, "sessionKey"), param(ctx, "pagesFeature"), param(ctx, "pagesModule"), param(ctx, "exclude"),
        param(ctx, "rename"), "", "");
  }

  MappingForm refused(String field, String message) {
    return new MappingForm(module, feature, account, sessionKey, pagesFeature, pagesModule, exclude, rename, field,
        message);
  }

  /** The mapping's JSON, for the codec to read and refuse. */
  ObjectNode json(ObjectMapper json) {
    ObjectNode body = json.createObjectNode();
    lines(body.putArray("module"), module);
    lines(body.putArray("feature"), feature);
    lines(body.putArray("account"), account);
    lines(body.putArray("sessionKey"), sessionKey);
    ObjectNode pages = body.putObject("pages");
    lines(pages.putArray("feature"), pagesFeature);
    lines(pages.putArray("module"), pagesModule);
    lines(body.putArray("exclude"), exclude);
    ObjectNode renames = body.putObject("rename");
    rename.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(line -> {
      int arrow = line.indexOf("=>");
      // A line without an arrow renames to nothing, which the codec refuses by its name.
      renames.put(arrow < 0 ? line : line.substring(0, arrow).strip(), arrow < 0 ? "" : line.substring(arrow + 2).strip());
    });
    return body;
  }

  private static void lines(ArrayNode into, String text) {
    text.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(into::add);
  }

  private static String lines(Iterable<String> values) {
    return String.join("\n", values);
  }

  private static String param(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value;
  }
}
