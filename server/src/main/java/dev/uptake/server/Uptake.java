package dev.uptake.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.config.UptakeConfig;
import dev.uptake.server.http.ApiDocs;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Appender;
import dev.uptake.server.http.IngestRoutes;
import dev.uptake.server.http.JettyErrors;
import dev.uptake.server.http.QueryStrings;
import dev.uptake.server.http.SecurityHeaders;
import dev.uptake.server.http.Responses;
import dev.uptake.cluster.KafkaEventLog;
import dev.uptake.cluster.KafkaProbe;
import dev.uptake.server.config.Cluster;
import dev.uptake.server.processing.ClusterProcessor;
import dev.uptake.server.processing.Processor;
import dev.uptake.server.query.AccountDetailRoutes;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.AccountUsers;
import dev.uptake.server.query.AccountsRoutes;
import dev.uptake.server.query.EventsRoutes;
import dev.uptake.server.accountapi.AccountApiRoutes;
import dev.uptake.server.alerts.AlertDeliveries;
import dev.uptake.server.alerts.AlertRoutes;
import dev.uptake.server.alerts.AlertWatch;
import dev.uptake.server.query.HealthBoard;
import dev.uptake.server.query.ViewRoutes;
import dev.uptake.server.query.HealthRoutes;
import dev.uptake.server.query.ProfileRoutes;
import dev.uptake.server.web.AccountPage;
import dev.uptake.server.web.AccountSettingsRoutes;
import dev.uptake.server.web.AccountsPage;
import dev.uptake.server.web.AdminCenterRoutes;
import dev.uptake.server.web.AlertsPage;
import dev.uptake.server.web.DebuggerRoutes;
import dev.uptake.server.web.HealthPage;
import dev.uptake.server.web.Pages;
import dev.uptake.server.web.UserPage;
import dev.uptake.server.web.WebRoutes;
import dev.uptake.server.query.MappingRoutes;
import dev.uptake.server.query.QueryRoutes;
import dev.uptake.server.query.SettingsRoutes;
import dev.uptake.server.query.UsageRoutes;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.identity.ProfileCache;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.core.sessions.SessionStage;
import dev.uptake.store.Appended;
import dev.uptake.store.EventLog;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.Store;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.Stores;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A running Uptake node: the embedded runtime (the store's own event log and processor, the API,
 * the web app), or a node of a cluster playing some of the roles ingest, process and query.
 */
public final class Uptake implements AutoCloseable {

  private final Store store;
  private final List<AutoCloseable> parts;
  private final Health health;
  private final Javalin app;
  private final List<String> routes;

  private Uptake(Store store, List<AutoCloseable> parts, Health health, Javalin app, List<String> routes) {
    this.store = store;
    this.parts = List.copyOf(parts);
    this.health = health;
    this.app = app;
    this.routes = List.copyOf(routes);
  }

  /** Opens the store and starts serving; fails fast when the store or the port is unavailable. */
  public static Uptake start(UptakeConfig config, Clock clock) {
    Store store = Stores.open(config.store().withPageCacheBytes(config.memory().storeBytes()), clock);
    List<AutoCloseable> parts = new ArrayList<>(); // closed in reverse order
    try {
      // Typed numbers are BigDecimals; print them as 250, not 2.5E+2.
      ObjectMapper json = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      Responses responses = new Responses(json);
      Roles roles = new Roles(config, store, json, registry, responses, clock, parts);
      List<RouteGroup> groups = new ArrayList<>();
      if (roles.ingests()) {
        groups.add(roles.ingest());
      }
      if (roles.processes()) {
        roles.process();
      }
      if (roles.queries()) {
        groups.addAll(roles.query());
      }
      Health health = new Health(roles.checks(), responses);
      List<String> routes = new ArrayList<>();
      Javalin app =
          Javalin.create(
              cfg -> {
                cfg.events.handlerAdded(handler -> routes.add(handler.getHttpMethod() + " " + handler.getPath()));
                cfg.startup.showJavalinBanner = false;
                cfg.jetty.host = config.http().host();
                cfg.jetty.port = config.http().port();
                // Jetty reuses a connection's earlier header when a new one matches it ignoring case;
                // credentials must match exactly.
                cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
                cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors(json)));
                cfg.routes.before(SecurityHeaders::add);
                cfg.routes.before(QueryStrings::check);
                cfg.routes.exception(ApiError.ApiException.class, (e, ctx) -> responses.renderError(ctx, e.error()));
                cfg.routes.exception(HttpResponseException.class, (e, ctx) -> responses.renderHttpResponse(ctx, e));
                cfg.routes.exception(StoreUnavailableException.class, (e, ctx) -> responses.renderUnavailable(ctx, e));
                cfg.routes.exception(Exception.class, (e, ctx) -> responses.renderUnexpected(ctx, e));
                groups.forEach(group -> group.register(cfg.routes));
                if (roles.queries()) {
                  cfg.staticFiles.enableWebjars();
                  cfg.staticFiles.add(files -> {
                    files.hostedPath = "/static";
                    files.directory = "/static";
                    files.location = Location.CLASSPATH;
                  });
                }
                health.register(cfg.routes);
                cfg.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
              });
      app.start();
      return new Uptake(store, parts, health, app, routes);
    } catch (RuntimeException e) {
      closeAll(parts);
      store.close();
      throw e;
    }
  }

  /** Routes registered together. */
  interface RouteGroup {
    void register(RoutesConfig routes);
  }

  /** The parts each role needs, made on demand; what must be closed goes to {@code parts}. */
  private static final class Roles {
    private final UptakeConfig config;
    private final Store store;
    private final ObjectMapper json;
    private final PrometheusMeterRegistry registry;
    private final Responses responses;
    private final Clock clock;
    private final List<AutoCloseable> parts;
    private final List<Health.Check> checks = new ArrayList<>();
    private final Optional<Cluster> cluster;
    private EventLog eventLog;

    Roles(UptakeConfig config, Store store, ObjectMapper json, PrometheusMeterRegistry registry, Responses responses,
        Clock clock, List<AutoCloseable> parts) {
      this.config = config;
      this.store = store;
      this.json = json;
      this.registry = registry;
      this.responses = responses;
      this.clock = clock;
      this.parts = parts;
      this.cluster = config.cluster();
    }

    boolean ingests() {
      return cluster.map(c -> c.plays(Cluster.Role.INGEST)).orElse(true);
    }

    boolean processes() {
      return cluster.map(c -> c.plays(Cluster.Role.PROCESS)).orElse(true);
    }

    boolean queries() {
      return cluster.map(c -> c.plays(Cluster.Role.QUERY)).orElse(true);
    }

    /** Each part's check, and the store's: can it be read now. */
    List<Health.Check> checks() {
      checks.add(new Health.Check("store", () -> {
        store.workspaces().find("health-check");
        return Health.Result.ok();
      }));
      return checks;
    }

    RouteGroup ingest() {
      return new IngestRoutes(
          store.workspaces(), eventLog(), config.region(), config.regionEndpoints(), registry, responses, json, clock)::register;
    }

    /** The log senders' events and the Account API's records are appended to: Kafka's topic in a cluster. */
    EventLog eventLog() {
      if (eventLog != null) {
        return eventLog;
      }
      if (cluster.isPresent()) {
        KafkaEventLog kafka = new KafkaEventLog(cluster.get().topic(), "uptake-ingest", registry).start();
        parts.add(kafka);
        eventLog = kafka;
        checks.add(new Health.Check("kafka", () -> kafka.trouble().map(Health.Result::failing).orElse(Health.Result.ok())));
      } else {
        EventLog log = config.discardEvents() ? Uptake::discard : store.eventLog();
        eventLog = log;
        Gauge.builder("uptake.eventlog.queue", log, it -> it.writerStats().queued())
            .description("append requests waiting for the event log's writer").register(registry);
        FunctionCounter.builder("uptake.eventlog.groups", log, it -> it.writerStats().groups())
            .description("groups the event log's writer committed, each in one transaction").register(registry);
        FunctionCounter.builder("uptake.eventlog.group.requests", log, it -> it.writerStats().requests())
            .description("append requests in those groups: divided by the groups, the mean group size").register(registry);
        checks.add(new Health.Check("writer", () -> log.failure().map(e -> Health.Result.failing("stopped by " + e))
            .orElse(Health.Result.ok()), log::failure));
      }
      return eventLog;
    }

    void process() {
      SessionCache sessionCache = new SessionCache(config.memory().sessionBytes());
      CacheMetrics.register(
          registry, "sessions", sessionCache, SessionCache::stats, SessionCache::bytesHeld, config.memory().sessionBytes());
      Pipeline pipeline = new Pipeline(new IdentityResolver(json), new SessionStage(json), json);
      Gauge.builder("uptake.processing.quarantined", store.quarantine(), quarantine -> quarantine.total())
          .description("events set aside because processing failed on them, until a retry succeeds")
          .register(registry);
      if (cluster.isPresent()) {
        ClusterProcessor processor = new ClusterProcessor(cluster.get().topic(), "uptake-processor", store.clusterState(),
            store.processingLog(), store.forProcessor(), pipeline, sessionCache, registry, clock).start();
        parts.add(processor);
        KafkaProbe kafka = new KafkaProbe(cluster.get().topic());
        parts.add(kafka);
        checks.add(new Health.Check("processor", () -> clusterProcessorHealth(processor, kafka),
            () -> Optional.ofNullable(processor.failure())));
      } else {
        ProfileCache profileCache = new ProfileCache(config.memory().profileBytes());
        CacheMetrics.register(
            registry, "profiles", profileCache, ProfileCache::stats, ProfileCache::bytesHeld, config.memory().profileBytes());
        Processor processor = new Processor(store.processingLog(), store.stateWriter(), store.reprocessing(),
            store.forProcessor().profiles(), store.forProcessor().settings(), store.forProcessor().usage(), pipeline,
            sessionCache, profileCache, registry, clock).start();
        parts.add(processor);
        checks.add(new Health.Check("processor", () -> processorHealth(processor),
            () -> Optional.ofNullable(processor.failure())));
      }
    }

    private Health.Result clusterProcessorHealth(ClusterProcessor processor, KafkaProbe kafka) {
      ClusterProcessor.Status status = processor.status();
      Map<String, Object> figures = new LinkedHashMap<>();
      Map<String, Object> processing = new LinkedHashMap<>();
      processing.put("partitions", status.partitions());
      processing.put("lag", status.lag());
      processing.put("lastCommit", status.lastCommit() == null ? null : status.lastCommit().toString());
      figures.put("processing", processing);
      Optional<String> kafkaTrouble = kafka.trouble();
      boolean stalled = status.stalled(clock.instant());
      String text = !status.running() ? "stopped by " + status.fatal()
          : kafkaTrouble.isPresent() ? kafkaTrouble.get()
          : status.failing() != null ? "retrying: " + status.failing()
          : stalled ? "stalled: " + status.lag() + " records wait and nothing was committed for "
              + ClusterProcessor.STALLED_AFTER.toMinutes() + " minutes"
          : status.partitions().isEmpty() ? "ok (no partition assigned: more processors than partitions, or joining)"
          : "ok";
      return new Health.Result(text.startsWith("ok"), text, figures);
    }

    private static Health.Result processorHealth(Processor processor) {
      Processor.Status status = processor.status();
      Map<String, Object> lag = new LinkedHashMap<>();
      lag.put("events", status.lagEvents());
      lag.put("seconds", status.lagTime().toMillis() / 1000.0);
      lag.put("maxSeconds", MAX_LAG.toSeconds());
      String text = !status.running() ? "stopped by " + status.fatal()
          : status.failing() != null ? "retrying: " + status.failing()
          : status.standingBy() ? "standby: another process is processing" : "ok";
      boolean ready = status.running() && status.failing() == null && status.lagTime().compareTo(MAX_LAG) <= 0;
      return new Health.Result(ready, text, Map.of("lag", lag));
    }

    List<RouteGroup> query() {
      QueryRoutes query = new QueryRoutes(store.workspaces(), store.ledger(), store.quarantine(), store.reprocessing(),
          responses, json);
      MappingRoutes mappings = new MappingRoutes(store.workspaces(), store.settings(), store.ledger(), store.reprocessing(),
          cluster.isEmpty(), responses, json, clock);
      SettingsRoutes settings = new SettingsRoutes(store.workspaces(), store.settings(), responses, json);
      AccountDirectory directory = new AccountDirectory(
          store.profiles(), store.usage(), store.settings(), store.stateWriter()::version, store.reprocessing(),
          config.memory().directoryBytes(),
          clock);
      CacheMetrics.register(
          registry, "accounts", directory, AccountDirectory::stats, AccountDirectory::bytesHeld,
          config.memory().directoryBytes());
      HealthBoard board = new HealthBoard(directory, store.healthModels(), store.settings(), store.usage(), clock);
      HealthRoutes health = new HealthRoutes(store.workspaces(), store.healthModels(), store.settings(), store.profiles(),
          board, directory, store.usage(), responses, json, clock);
      ProfileRoutes profiles = new ProfileRoutes(store.workspaces(), store.profiles(), board, responses, json);
      AccountsRoutes accounts = new AccountsRoutes(store.workspaces(), board, store.settings(), responses, json, clock);
      // Every query node watches; the one holding the lease evaluates, any may deliver.
      AlertWatch watch = new AlertWatch(store.workspaces(), store.alerts(), board, store.healthModels(), directory,
          store.ledger(), store.usage(), store.settings(), store.reprocessing(), store.stateWriter()::version, json,
          clock).start();
      parts.add(watch);
      FunctionCounter.builder("uptake.alerts.watch.passes", watch, AlertWatch::passes)
          .description("passes of the alert watch over every workspace: today's health points kept, every rule evaluated")
          .register(registry);
      parts.add(new AlertDeliveries(store.alerts(), json, clock).start());
      AlertRoutes alerts = new AlertRoutes(store.workspaces(), store.alerts(), store.settings(), responses, json, clock);
      AccountApiRoutes accountApi = new AccountApiRoutes(store.workspaces(), store.profiles(), directory, board,
          store.settings(), store.ledger(), store.apiCalls(), new Appender(eventLog(), registry), responses, json, clock);
      ViewRoutes views = new ViewRoutes(store.workspaces(), store.savedViews(), store.settings(), responses, json, clock);
      EventsRoutes events = new EventsRoutes(store.workspaces(), store.ledger(), store.settings(), responses, json);
      AccountUsers accountUsers = new AccountUsers(store.profiles(), store.usage(), store.settings(), clock);
      AccountDetailRoutes accountDetails = new AccountDetailRoutes(
          store.workspaces(), store.profiles(), store.settings(), store.usage(), accountUsers, responses, json, clock);
      UsageRoutes usage =
          new UsageRoutes(store.workspaces(), store.profiles(), store.settings(), store.usage(), responses, json, clock);
      Pages pages = new Pages(store.workspaces(), store.members(), clock);
      return List.of(query::register, settings::register, mappings::register, health::register, alerts::register, views::register,
          accountApi::register,
          accounts::register, accountDetails::register,
          events::register, profiles::register, usage::register, new ApiDocs(json)::register,
          new WebRoutes(pages, store.members(), store.workspaces(), clock)::register,
          new AdminCenterRoutes(pages, store.workspaces(), store.ledger(), store.apiCalls(), store.settings(), clock)::register,
          new DebuggerRoutes(pages, store.ledger(), store.settings(), json, clock)::register,
          new AccountSettingsRoutes(pages, store.settings(), mappings, store.reprocessing(), json, clock)::register,
          new HealthPage(pages, health, store.healthModels(), store.settings(), json, clock)::register,
          new AlertsPage(pages, alerts, store.settings(), json, clock)::register,
          new AccountsPage(pages, accounts, store.savedViews(), store.settings(), json, clock)::register,
          new AccountPage(pages, store.profiles(), store.usage(), store.settings(), board, store.healthModels(), accountUsers,
              json, clock)::register,
          new UserPage(pages, store.profiles(), store.usage(), store.settings(), clock)::register);
    }
  }

  /** Readiness fails when the oldest unprocessed event was received longer ago than this. */
  static final Duration MAX_LAG = Duration.ofMinutes(5);

  private static void closeAll(List<AutoCloseable> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LoggerFactory.getLogger(Uptake.class).warn("closing {} failed", parts.get(i), e);
      }
    }
  }

  /** The benchmark ceiling's event log: acknowledges without storing. */
  private static CompletableFuture<Appended> discard(IngestBatch batch) {
    return CompletableFuture.completedFuture(new Appended(batch.accepted().size(), 0));
  }

  /**
   * The error that stopped the event log's writer or the processor for good, if one did: the
   * process should then exit so that its supervisor starts it again.
   */
  public Optional<Throwable> fatal() {
    return health.fatal();
  }

  /** Every route registered, as {@code METHOD /path} ({@code GET /api/v1/accounts}); before-handlers too. */
  public List<String> routes() {
    return routes;
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int port() {
    return app.port();
  }

  /** Stops taking requests, stops the processor, lets the event log commit what it holds, closes the store. */
  @Override
  public void close() {
    app.stop();
    closeAll(parts);
    store.close();
  }
}
