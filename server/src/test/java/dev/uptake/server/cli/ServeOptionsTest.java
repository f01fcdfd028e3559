package dev.uptake.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code uptake serve} refuses cluster options that cannot work, naming what is missing, before it opens anything. */
class ServeOptionsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--kafka localhost:9092 | --kafka needs --database",
      "--role ingest | --role needs --kafka",
      "--kafka localhost:9092 --database postgresql://u:p@localhost/db --role ingest,teleport | teleport' is no role",
      "--kafka localhost:9092 --database postgresql://u:p@localhost/db --partitions 0 | --partitions must be at least 1"})
  void clusterOptionsThatCannotWorkAreUsageErrors(String options, String message) {
    StringWriter err = new StringWriter();
    String[] args = ("serve --port 0 " + options).split(" ");
    int code = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err)).execute(args);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }
}
