package dev.uptake.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Requests written byte for byte on one socket: what no HTTP client library sends (a malformed
 * percent-escape, {@code ..} in the path) and several requests on one connection.
 */
final class RawHttp {

  private RawHttp() {}

  /** Sends the requests one after another on one connection; the answers, each read whole before the next is sent. */
  static List<String> exchange(int port, List<String> requests) throws IOException {
    List<String> answers = new ArrayList<>();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (String request : requests) {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        answers.add(readResponse(in));
      }
    }
    return answers;
  }

  /** The status code of an answer. */
  static int status(String answer) {
    return Integer.parseInt(answer.substring(9, 12));
  }

  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
