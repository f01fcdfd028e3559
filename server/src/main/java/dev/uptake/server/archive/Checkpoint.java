package dev.uptake.server.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The files an import has sent completely, each with the size and modification time it had then,
 * kept in a JSON file so a re-run skips them (a file that changed since is sent again; the server
 * drops what it already has by messageId). Written whole to a temporary file and moved over the
 * old one, so an interrupted write leaves the previous checkpoint.
 */
final class Checkpoint {

  private record Done(long size, long modifiedMillis) {}

  private final Path file;
  private final ObjectMapper json;
  private final Map<String, Done> done = new HashMap<>();

  private Checkpoint(Path file, ObjectMapper json) {
    this.file = file;
    this.json = json;
  }

  /** The checkpoint in {@code file}, or an empty one when there is none yet. */
  static Checkpoint open(Path file, ObjectMapper json) {
    Checkpoint checkpoint = new Checkpoint(file, json);
    try {
      JsonNode read = json.readTree(Files.readAllBytes(file));
      read.path("done").properties().forEach(entry -> checkpoint.done.put(entry.getKey(),
          new Done(entry.getValue().path("size").asLong(), entry.getValue().path("modified").asLong())));
    } catch (NoSuchFileException e) {
      // a first run
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + file + " (" + e.getMessage()
          + "); delete it to import every file again (nothing is counted twice)", e);
    }
    return checkpoint;
  }

  synchronized boolean isDone(Path archive) {
    Done recorded = done.get(key(archive));
    return recorded != null && recorded.equals(stat(archive));
  }

  /** Records {@code archive} as sent and writes the checkpoint. */
  synchronized void markDone(Path archive) {
    done.put(key(archive), stat(archive));
    ObjectNode root = json.createObjectNode();
    ObjectNode files = root.putObject("done");
    done.forEach((name, stat) -> files.putObject(name).put("size", stat.size()).put("modified", stat.modifiedMillis()));
    try {
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(temporary, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  private static String key(Path archive) {
    return archive.toAbsolutePath().normalize().toString();
  }

  private static Done stat(Path archive) {
    try {
      return new Done(Files.size(archive), Files.getLastModifiedTime(archive).toMillis());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + archive + ": " + e.getMessage(), e);
    }
  }
}
