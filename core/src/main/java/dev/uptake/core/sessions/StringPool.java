package dev.uptake.core.sessions;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance of each string that many events repeat: user ids, account keys, module and feature
 * names. Processing keeps sessions with their events in memory ({@link SessionCache}), and each
 * event read from the log brings its own copies: under sustained load a million cached events held
 * five million strings, most of them equal, and took about twice the memory the cache's budget
 * counts. Bounded: past {@value #MAX_STRINGS} strings (about 20 MB) it starts again; strings handed
 * out stay valid. Thread-safe.
 */
final class StringPool {

  static final int MAX_STRINGS = 200_000;

  private final ConcurrentHashMap<String, String> strings = new ConcurrentHashMap<>();

  /** The pooled instance equal to {@code text}, or {@code text} itself when it is the first; null stays null. */
  String of(String text) {
    if (text == null) {
      return null;
    }
    String pooled = strings.putIfAbsent(text, text);
    if (pooled != null) {
      return pooled;
    }
    if (strings.size() > MAX_STRINGS) {
      strings.clear();
    }
    return text;
  }
}
