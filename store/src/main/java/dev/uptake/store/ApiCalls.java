package dev.uptake.store;

import java.time.Instant;
import java.util.List;

/** The Account API calls each workspace made lately, for the IT Administration Center's API Status. */
public interface ApiCalls {

  /** How many calls a workspace keeps; older ones are dropped as new ones come. */
  int KEPT = 1000;

  /**
   * One call.
   *
   * @param records records read or written
   * @param failures records refused ({@code failed_results}), or 1 for a request refused as a whole
   */
  record Call(Instant at, String method, String path, int status, int records, int failures) {}

  void record(long workspaceId, Call call);

  /** The newest {@code limit} calls, newest first. */
  List<Call> latest(long workspaceId, int limit);
}
