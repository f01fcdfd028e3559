package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.uptake.server.http.Responses;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A list answer: named columns and rows of values. JSON by default, under its list's name (each
 * row an object, beside whatever else the answer says); CSV with the same columns when the client
 * asks with {@code Accept: text/csv} or {@code ?format=csv}, written row by row as it goes out.
 */
final class Table {

  private final List<String> columns;
  private final Set<String> spread;
  private final List<Map<String, Object>> rows = new ArrayList<>();

  /** @param spread columns whose objects CSV writes as one column per field ({@code dimensions.seats}) */
  Table(List<String> columns, Set<String> spread) {
    this.columns = List.copyOf(columns);
    this.spread = Set.copyOf(spread);
  }

  /** @param row column name → value: text, a number, a boolean, null or a JSON node */
  Table add(Map<String, Object> row) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (String column : columns) {
      ordered.put(column, row.get(column));
    }
    rows.add(ordered);
    return this;
  }

  static boolean wantsCsv(Context ctx) {
    String format = ctx.queryParam("format");
    if (format != null && !format.isBlank()) {
      return switch (format.strip().toLowerCase(Locale.ROOT)) {
        case "csv" -> true;
        case "json" -> false;
        default -> throw AccountList.invalid("format", "format must be json or csv; was '" + format + "'");
      };
    }
    String accept = ctx.header("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
  }

  /**
   * Answers with this table: JSON {@code {name: [...], ...extra}}, or CSV named {@code name}.csv
   * with a {@code nextCursor} of {@code extra} in the {@code X-Next-Cursor} header.
   */
  void answer(Context ctx, String name, ObjectNode extra, Responses responses, ObjectMapper json) {
    if (wantsCsv(ctx)) {
      ctx.status(200).contentType("text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
      if (extra.hasNonNull("nextCursor")) {
        ctx.header("X-Next-Cursor", extra.get("nextCursor").asText());
      }
      writeCsv(ctx.outputStream(), json);
      return;
    }
    ObjectNode body = json.createObjectNode();
    ArrayNode list = body.putArray(name);
    rows.forEach(row -> list.add(json.valueToTree(row)));
    body.setAll(extra);
    responses.json(ctx, 200, body);
  }

  /**
   * CSV of rows that {@code rows} hands over one at a time (to its argument), written as they come:
   * an export of any size, never held whole. No spread columns.
   */
  static void streamCsv(
      Context ctx, String name, List<String> columns, Consumer<Consumer<Map<String, Object>>> rows, ObjectMapper json) {
    ctx.status(200).contentType("text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    columns.forEach(schema::addColumn);
    try (SequenceWriter writer = new CsvMapper().writer(schema.build()).writeValues(ctx.outputStream())) {
      rows.accept(row -> {
        List<Object> values = new ArrayList<>(columns.size());
        columns.forEach(column -> values.add(cell(row.get(column), json)));
        try {
          writer.write(values);
        } catch (IOException e) {
          throw new UncheckedIOException("writing CSV to the client", e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("writing CSV to the client", e);
    }
  }

  /** Spread columns get one column per field any row has; other JSON values are written as JSON text. */
  private void writeCsv(OutputStream out, ObjectMapper json) {
    Map<String, SortedSet<String>> expanded = new LinkedHashMap<>();
    for (Map<String, Object> row : rows) {
      row.forEach((column, value) -> {
        if (spread.contains(column) && value instanceof ObjectNode object) {
          object.fieldNames().forEachRemaining(field -> expanded.computeIfAbsent(column, c -> new TreeSet<>()).add(field));
        }
      });
    }
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    for (String column : columns) {
      if (expanded.containsKey(column)) {
        expanded.get(column).forEach(field -> schema.addColumn(column + "." + field));
      } else {
        schema.addColumn(column);
      }
    }
    try (SequenceWriter writer = new CsvMapper().writer(schema.build()).writeValues(out)) {
      for (Map<String, Object> row : rows) {
        List<Object> values = new ArrayList<>();
        row.forEach((column, value) -> {
          if (expanded.containsKey(column)) {
            expanded.get(column).forEach(field -> values.add(
                value instanceof ObjectNode object && object.has(field) ? cell(object.get(field), json) : null));
          } else {
            values.add(cell(value, json));
          }
        });
        writer.write(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing CSV to the client", e);
    }
  }

  private static Object cell(Object value, ObjectMapper json) {
    if (!(value instanceof JsonNode node)) {
      return value;
    }
    if (node.isNull()) {
      return null;
    }
    try {
      return node.isValueNode() ? node.asText() : json.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
