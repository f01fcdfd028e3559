package dev.uptake.core.ingest;

import java.util.Objects;

/** An optional field that was dropped, and why; the event itself was accepted. */
public record Warning(String field, String reason) {

  public Warning {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(reason, "reason");
  }
}
