package dev.uptake.server.query;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Reads a CSV answer back through a CSV parser: one map per row, by header. */
public final class Csv {

  private Csv() {}

  public static List<Map<String, String>> read(String text) throws IOException {
    try (MappingIterator<Map<String, String>> rows =
        new CsvMapper().readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
      return rows.readAll();
    }
  }
}
