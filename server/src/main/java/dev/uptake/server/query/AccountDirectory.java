package dev.uptake.server.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.AccountView;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.rollups.ActivityFigures;
import dev.uptake.core.rollups.DayActivity;
import dev.uptake.store.ProfileChanges;
import dev.uptake.store.Profiles;
import dev.uptake.store.Reprocessing;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Every account of a workspace with its figures, kept in memory so a list of 10,000 accounts is
 * filtered and sorted without reading and parsing them all on each request. Each read first
 * catches up with what processing committed since the last one: the users and accounts it wrote
 * (their {@code updated_seq}), and the activity rows of past days it changed. The trailing windows
 * end with yesterday, so today's events change an account's last-seen time but not its figures;
 * when the day turns, every account's figures are computed again. Workspaces are evicted (Caffeine)
 * beyond a bound on the estimated bytes held for all of them; an evicted one is loaded again on
 * its next read.
 */
public final class AccountDirectory {

  /**
   * An account as the list shows it.
   *
   * @param health its health score: null as the directory gives it, until {@link HealthBoard} scores it
   */
  public record Row(AccountView view, ActivityFigures figures, int usersTotal, AccountScore health) {

    public String accountId() {
      return view.account().accountId();
    }

    /** An account field's value as text ({@code name}, {@code tier}), or null when unset. */
    public String text(String field) {
      return view.account().fields().text(field).orElse(null);
    }

    Row scored(AccountScore score) {
      return new Row(view, figures, usersTotal, score);
    }
  }

  private final Profiles profiles;
  private final Usage usage;
  private final SettingsStore settings;
  /** Estimated memory of an account with its row (state, view, figures), and of a user. */
  static final int ACCOUNT_BYTES = 3_000;
  static final int USER_BYTES = 1_500;

  private final LongSupplier processedUpTo;
  private final Reprocessing reprocessing;
  private final Clock clock;
  private final Cache<Long, Held> workspaces;

  /**
   * A workspace as last read, weighed then: a new one is put after each read, so its growth is
   * weighed. {@code reset}: the reprocessing that had cleared its state when it was first read.
   */
  private record Held(WorkspaceAccounts accounts, int bytes, Instant reset) {}

  /**
   * @param processedUpTo the version of processing's latest commit ({@code ProcessingLog#version})
   * @param maxBytes the estimated bytes to hold at most, for all workspaces together
   */
  public AccountDirectory(
      Profiles profiles, Usage usage, SettingsStore settings, LongSupplier processedUpTo, Reprocessing reprocessing,
      long maxBytes, Clock clock) {
    this.reprocessing = Objects.requireNonNull(reprocessing, "reprocessing");
    this.profiles = Objects.requireNonNull(profiles, "profiles");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.processedUpTo = Objects.requireNonNull(processedUpTo, "processedUpTo");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.workspaces = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Long id, Held held) -> held.bytes())
        .executor(Runnable::run) // evict as the request that grew it returns, not later
        .recordStats()
        .build();
  }

  /** Hits, misses and evictions so far, for {@code /metrics}. */
  public CacheStats stats() {
    return workspaces.stats();
  }

  /** The estimated bytes held now. */
  public long bytesHeld() {
    return workspaces.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  /** The workspace's accounts as processing last committed them, in no particular order. */
  public List<Row> accounts(long workspaceId) {
    Held held = held(workspaceId);
    List<Row> rows = held.accounts().current();
    workspaces.put(workspaceId, new Held(held.accounts(), held.accounts().bytes, held.reset()));
    return rows;
  }

  /** Every user of the workspace, as processing last committed them, in no particular order. */
  public List<UserState> users(long workspaceId) {
    WorkspaceAccounts accounts = held(workspaceId).accounts();
    accounts.current();
    return accounts.allUsers();
  }

  /** The account each user of the workspace is linked to, by user id (users without one are left out). */
  public Map<String, String> accountsOfUsers(long workspaceId) {
    WorkspaceAccounts accounts = held(workspaceId).accounts();
    accounts.current();
    return accounts.links();
  }

  /**
   * The workspace as held, or read anew when a reprocessing cleared its state since: catching up
   * reads rows written, and would never see the cleared ones go.
   */
  private Held held(long workspaceId) {
    Instant reset = reprocessing.job(workspaceId).map(Reprocessing.Job::startedAt).orElse(null);
    Held held = workspaces.getIfPresent(workspaceId);
    if (held == null || !Objects.equals(held.reset(), reset)) {
      held = new Held(new WorkspaceAccounts(workspaceId), 0, reset);
      workspaces.put(workspaceId, held);
    }
    return held;
  }

  /** One workspace's accounts and users; reads are serialized, each catching up first. */
  private final class WorkspaceAccounts {
    private final long workspaceId;
    private final Map<String, AccountState> accounts = new HashMap<>();
    private final Map<String, UserState> users = new HashMap<>();
    private final Map<String, Set<String>> linked = new HashMap<>();
    private final Map<String, Row> rows = new HashMap<>();
    private long seq = -1; // rows written before this table had the column carry 0
    private LocalDate asOf;
    private volatile int bytes;

    WorkspaceAccounts(long workspaceId) {
      this.workspaceId = workspaceId;
    }

    synchronized List<Row> current() {
      long upTo = processedUpTo.getAsLong();
      LocalDate yesterday = LocalDate.ofInstant(clock.instant(), settings.get(workspaceId).timeZone()).minusDays(1);
      Set<String> changedViews = new HashSet<>();
      Set<String> changedFigures = new HashSet<>();
      if (upTo != seq) {
        apply(profiles.changed(workspaceId, seq, upTo), changedViews, changedFigures);
        if (seq >= 0 && yesterday.equals(asOf)) {
          for (DayActivity row : usage.activityChanged(workspaceId, seq, upTo, yesterday.plusDays(1))) {
            changedFigures.add(accountOf(row));
          }
        }
        seq = upTo;
      }
      Map<String, ActivityFigures> figures;
      if (!yesterday.equals(asOf)) {
        asOf = yesterday;
        figures = figures(usage.activity(workspaceId, window(yesterday), yesterday), accounts.keySet());
        changedViews.addAll(accounts.keySet());
      } else {
        changedFigures.retainAll(accounts.keySet());
        Set<String> accountless = new HashSet<>();
        changedFigures.forEach(id -> accountless.addAll(linked.getOrDefault(id, Set.of())));
        figures = figures(usage.activity(workspaceId, changedFigures, accountless, window(yesterday), yesterday), changedFigures);
      }
      changedViews.addAll(figures.keySet());
      for (String id : changedViews) {
        AccountState account = accounts.get(id);
        if (account != null) {
          Row old = rows.get(id);
          rows.put(id, new Row(
              AccountView.of(account, linkedUsers(id)),
              figures.getOrDefault(id, old == null ? ActivityFigures.none(asOf) : old.figures()),
              linked.getOrDefault(id, Set.of()).size(), null));
        }
      }
      bytes = (int) Math.min(Integer.MAX_VALUE, (long) ACCOUNT_BYTES * accounts.size() + (long) USER_BYTES * users.size());
      return List.copyOf(rows.values());
    }

    synchronized List<UserState> allUsers() {
      return List.copyOf(users.values());
    }

    synchronized Map<String, String> links() {
      Map<String, String> links = new HashMap<>();
      linked.forEach((account, ids) -> ids.forEach(user -> links.put(user, account)));
      return links;
    }

    private void apply(ProfileChanges changes, Set<String> changedViews, Set<String> changedFigures) {
      for (AccountState account : changes.accounts()) {
        accounts.put(account.accountId(), account); // an event naming it came with it: its rows are changed rows
        changedViews.add(account.accountId());
      }
      for (UserState user : changes.users()) {
        UserState old = users.put(user.userId(), user);
        String before = old == null ? null : old.accountId();
        String after = user.accountId();
        if (!Objects.equals(before, after)) {
          if (before != null) {
            linked.get(before).remove(user.userId());
            changedFigures.add(before);
          }
          if (after != null) {
            linked.computeIfAbsent(after, id -> new TreeSet<>()).add(user.userId());
            changedFigures.add(after);
          }
        }
        if (before != null) {
          changedViews.add(before);
        }
        if (after != null) {
          changedViews.add(after);
        }
      }
    }

    private String accountOf(DayActivity row) {
      if (!row.accountKey().isEmpty()) {
        return row.accountKey();
      }
      UserState user = users.get(row.userId());
      return user == null ? null : user.accountId();
    }

    /** Figures of {@code ids} from their rows (own and their linked users' account-less ones). */
    private Map<String, ActivityFigures> figures(Collection<DayActivity> activity, Collection<String> ids) {
      Map<String, List<DayActivity>> byAccount = new HashMap<>();
      for (DayActivity row : activity) {
        String account = accountOf(row);
        if (account != null) {
          byAccount.computeIfAbsent(account, id -> new ArrayList<>()).add(row);
        }
      }
      Map<String, ActivityFigures> figures = new HashMap<>();
      for (String id : ids) {
        figures.put(id, ActivityFigures.of(byAccount.getOrDefault(id, List.of()), asOf));
      }
      return figures;
    }

    private List<UserState> linkedUsers(String accountId) {
      List<UserState> found = new ArrayList<>();
      linked.getOrDefault(accountId, Set.of()).forEach(id -> found.add(users.get(id)));
      return found;
    }
  }

  private static LocalDate window(LocalDate asOf) {
    return asOf.minusDays(ActivityFigures.DAYS_READ - 1);
  }
}
