package dev.uptake.core.ingest;

import java.util.ArrayList;
import java.util.List;

/** Splits a body into its non-blank lines, at {@code \n}; a {@code \r} before it is dropped. */
final class NdjsonLines {

  /** One non-blank line: where it is in the body and its 1-based number. */
  record Line(int number, int offset, int length) {}

  private NdjsonLines() {}

  static List<Line> split(byte[] body) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    int number = 1;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
        if (!isBlank(body, start, end)) {
          lines.add(new Line(number, start, end - start));
        }
        start = i + 1;
        number++;
      }
    }
    return lines;
  }

  private static boolean isBlank(byte[] body, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
