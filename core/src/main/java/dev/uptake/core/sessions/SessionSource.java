package dev.uptake.core.sessions;

import java.util.List;

/** Where the processing stage finds stored sessions; the store implements it. */
public interface SessionSource {

  /** The stored sessions of the key that overlap {@code [fromMillis, toMillis]}, in start order. */
  List<Session> reached(String sessionKey, long fromMillis, long toMillis);
}
