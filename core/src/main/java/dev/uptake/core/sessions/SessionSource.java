package dev.uptake.core.sessions;

import java.util.List;
import java.util.Map;

/** Where the processing stage finds stored sessions; the store implements it. */
public interface SessionSource {

  /**
   * For each session key, the stored sessions that overlap its reach, in start order. Asked once
   * per batch with every key, so a store can answer in one go.
   */
  Map<String, List<Session>> reached(Map<String, SessionMerge.Reach> reaches);
}
