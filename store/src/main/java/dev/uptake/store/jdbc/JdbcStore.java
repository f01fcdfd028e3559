package dev.uptake.store.jdbc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.keys.KeyFactory;
import dev.uptake.core.sessions.SessionJson;
import dev.uptake.store.EventLog;
import dev.uptake.store.Alerts;
import dev.uptake.store.HealthModels;
import dev.uptake.store.ApiCalls;
import dev.uptake.store.Reprocessing;
import dev.uptake.store.SavedViews;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.Members;
import dev.uptake.store.ProcessingLog;
import dev.uptake.store.ProcessorStores;
import dev.uptake.store.Profiles;
import dev.uptake.store.Quarantine;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Store;
import dev.uptake.store.Usage;
import dev.uptake.store.Workspaces;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * What both stores share: every part whose statements are the same on SQLite and PostgreSQL, over
 * the two pools a backend gives it (one for requests, one for the processor's reads). A backend
 * adds how it appends ({@link #startEventLog()}), how processing commits ({@link #stateWriter()})
 * and what it closes.
 */
public abstract class JdbcStore implements Store {

  private final ObjectMapper json = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private final Workspaces workspaces;
  private final Members members;
  private final IngestLedger ledger;
  private final ProcessingLog processingLog;
  private final ProcessorStores forProcessor;
  private final Quarantine quarantine;
  private final Profiles profiles;
  private final SettingsStore settings;
  private final HealthModels healthModels;
  private final Alerts alerts;
  private final SavedViews savedViews;
  private final ApiCalls apiCalls;
  private final Reprocessing reprocessing;
  private final Usage usage;
  private GroupCommitLog eventLog;

  protected JdbcStore(DataSource pool, DataSource processorPool, Dialect dialect, Clock clock, KeyFactory keys) {
    this.workspaces = new JdbcWorkspaces(pool, clock, keys);
    this.members = new JdbcMembers(pool, dialect, clock);
    this.ledger = new JdbcLedger(pool, dialect);
    this.processingLog = new JdbcProcessingLog(pool, processorPool);
    this.forProcessor = new ProcessorStores(new JdbcProfiles(processorPool, json, dialect),
        new JdbcSettings(processorPool, json), new JdbcUsage(processorPool, SessionJson.sharingNames(json), dialect));
    this.quarantine = new JdbcQuarantine(pool);
    this.profiles = new JdbcProfiles(pool, json, dialect);
    this.settings = new JdbcSettings(pool, json);
    this.healthModels = new JdbcHealthModels(pool, json);
    this.alerts = new JdbcAlerts(pool);
    this.savedViews = new JdbcSavedViews(pool);
    this.apiCalls = new JdbcApiCalls(pool);
    this.reprocessing = new JdbcReprocessing(pool);
    this.usage = new JdbcUsage(pool, new SessionJson(json), dialect);
  }

  /** The event log, its writer thread started on first use. */
  @Override
  public final synchronized EventLog eventLog() {
    if (eventLog == null) {
      eventLog = startEventLog();
    }
    return eventLog;
  }

  /** Starts the event log's writer thread on its own connection. */
  protected abstract GroupCommitLog startEventLog();

  /** Lets the event log commit what it holds, then closes the rest. */
  @Override
  public final synchronized void close() {
    if (eventLog != null) {
      eventLog.close();
    }
    closeConnections();
  }

  /** Closes the state writer and the pools. */
  protected abstract void closeConnections();

  /** How states and sessions are written as JSON: decimals as written, never in exponent form. */
  protected final ObjectMapper json() {
    return json;
  }

  @Override
  public final Workspaces workspaces() {
    return workspaces;
  }

  @Override
  public final Members members() {
    return members;
  }

  @Override
  public final IngestLedger ledger() {
    return ledger;
  }

  @Override
  public final ProcessingLog processingLog() {
    return processingLog;
  }

  @Override
  public final ProcessorStores forProcessor() {
    return forProcessor;
  }

  @Override
  public final Quarantine quarantine() {
    return quarantine;
  }

  @Override
  public final Profiles profiles() {
    return profiles;
  }

  @Override
  public final SettingsStore settings() {
    return settings;
  }

  @Override
  public final HealthModels healthModels() {
    return healthModels;
  }

  @Override
  public final Alerts alerts() {
    return alerts;
  }

  @Override
  public final SavedViews savedViews() {
    return savedViews;
  }

  @Override
  public final ApiCalls apiCalls() {
    return apiCalls;
  }

  @Override
  public final Reprocessing reprocessing() {
    return reprocessing;
  }

  @Override
  public final Usage usage() {
    return usage;
  }
}
