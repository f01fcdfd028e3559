package dev.uptake.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alert rules, what each rule remembers of each account, the alerts it fired or held, and their
 * deliveries: kept so that a restart neither fires an alert twice nor loses a delivery.
 */
public interface Alerts {

  /** A rule as the API's JSON. */
  record Rule(long id, long workspaceId, String json, Instant updatedAt) {}

  List<Rule> rules(long workspaceId);

  Optional<Rule> rule(long workspaceId, long id);

  Rule create(long workspaceId, String json, Instant now);

  /** @return false when the workspace has no such rule */
  boolean update(long workspaceId, long id, String json, Instant now);

  /** Deletes the rule and what it remembers; its alerts stay in the log. @return false when there was none */
  boolean delete(long workspaceId, long id);

  /**
   * What a rule remembers of an account ({@code ""} for the workspace).
   *
   * @param firedAt when it last fired for it (cooldown; a quiet rule re-arms after activity since)
   * @param band the band it last saw, for a band rule
   * @param heldAt since when it holds an alert for it while tracking stopped
   */
  record Mark(Instant firedAt, String band, Instant heldAt) {
    public static final Mark NONE = new Mark(null, null, null);
  }

  /** The rule's marks by account id. */
  Map<String, Mark> marks(long ruleId);

  /** Sets the rule's marks of these accounts. */
  void mark(long ruleId, Map<String, Mark> marks);

  /**
   * An alert: fired (delivered to the rule's destinations) or held (while tracking stopped).
   *
   * @param accountId null for a workspace-wide alert
   * @param body the JSON a webhook receives
   */
  record Alert(String id, long workspaceId, long ruleId, String accountId, String kind, String status, Instant firedAt,
      String body) {}

  /**
   * One destination's delivery of an alert.
   *
   * @param target the destination's JSON as the rule had it when the alert fired
   * @param attempts JSON array of the attempts so far
   */
  record Delivery(String alertId, int destination, String target, String status, String attempts, Instant nextAt) {}

  /** Logs {@code alert} with its deliveries and sets the rule's mark of its account, in one transaction. */
  void fire(Alert alert, List<Delivery> deliveries, Mark mark);

  Optional<Alert> alert(String id);

  /** The workspace's alerts fired in {@code [from, to)}, newest first; account and rule filter when not null. */
  List<Alert> alerts(long workspaceId, Instant from, Instant to, String accountId, Long ruleId, int limit);

  /** The deliveries of these alerts. */
  List<Delivery> deliveries(Collection<String> alertIds);

  /** Pending deliveries due at {@code now}, oldest first. */
  List<Delivery> due(Instant now, int limit);

  /**
   * Takes a due delivery for an attempt by moving its next attempt to {@code until}; false when
   * another node took it first.
   */
  boolean claim(Delivery delivery, Instant until);

  /** Records an attempt's outcome: the status, the attempts so far, when to try next. */
  void attempted(Delivery delivery, String status, String attempts, Instant nextAt);

  /**
   * Takes or renews the lease {@code name} for {@code holder} until {@code until}: true when the
   * holder has it (it was free, expired, or already its own).
   */
  boolean lease(String name, String holder, Instant now, Instant until);

  /** Gives the lease up if {@code holder} has it, so another node need not wait for it to run out. */
  void release(String name, String holder);
}
