package dev.uptake.store;

/**
 * One open store: the event log and the tables around it. Obtain it with {@link Stores#open};
 * close it once, when the process is done with it.
 */
public interface Store extends AutoCloseable {

  /**
   * The event log, started on first use. Only one process may append to a store at a time; a
   * second one gets a {@link StoreUnavailableException} that names the data directory.
   */
  EventLog eventLog();

  Workspaces workspaces();

  Members members();

  IngestLedger ledger();

  /**
   * The log as the processing stage reads it, on the processor's own connections (its cursor and
   * lag on the pool's). Only one process may consume it at a time.
   */
  ProcessingLog processingLog();

  /** Where processing commits what it derived, on connections of its own. */
  StateWriter stateWriter();

  /** Users, accounts, settings and sessions as the processor reads them, on its own connections. */
  ProcessorStores forProcessor();

  /**
   * Where the processors of a cluster commit (events arrive through Kafka instead of {@link
   * #eventLog()}); only a store that several machines share has it.
   *
   * @throws UnsupportedOperationException on the embedded store
   */
  default ClusterState clusterState() {
    throw new UnsupportedOperationException("cluster mode keeps its state in PostgreSQL: give --database");
  }

  /** The events processing set aside, for admins to see and retry. */
  Quarantine quarantine();

  Profiles profiles();

  SettingsStore settings();

  /** Each workspace's health models, every version. */
  HealthModels healthModels();

  /** Alert rules, the alerts they fired and their deliveries. */
  Alerts alerts();

  /** Saved views of the accounts list. */
  SavedViews savedViews();

  /** The Account API calls each workspace made lately. */
  ApiCalls apiCalls();

  /** Requests to recompute a workspace's derived state from its events, and their progress. */
  Reprocessing reprocessing();

  Usage usage();

  @Override
  void close();
}
