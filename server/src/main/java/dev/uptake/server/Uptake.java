package dev.uptake.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.config.UptakeConfig;
import dev.uptake.server.http.ApiDocs;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.IngestRoutes;
import dev.uptake.server.http.JettyErrors;
import dev.uptake.server.http.QueryStrings;
import dev.uptake.server.http.SecurityHeaders;
import dev.uptake.server.http.Responses;
import dev.uptake.server.processing.Processor;
import dev.uptake.server.query.AccountDetailRoutes;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.AccountUsers;
import dev.uptake.server.query.AccountsRoutes;
import dev.uptake.server.query.EventsRoutes;
import dev.uptake.server.query.ProfileRoutes;
import dev.uptake.server.web.AccountPage;
import dev.uptake.server.web.AccountSettingsRoutes;
import dev.uptake.server.web.AccountsPage;
import dev.uptake.server.web.AdminCenterRoutes;
import dev.uptake.server.web.DebuggerRoutes;
import dev.uptake.server.web.Pages;
import dev.uptake.server.web.UserPage;
import dev.uptake.server.web.WebRoutes;
import dev.uptake.server.query.QueryRoutes;
import dev.uptake.server.query.SettingsRoutes;
import dev.uptake.server.query.UsageRoutes;
import dev.uptake.core.identity.IdentityResolver;
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
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A running embedded Uptake: SQLite store, HTTP ingestion, the processor, query API, {@code /metrics}. */
public final class Uptake implements AutoCloseable {

  private final Store store;
  private final Processor processor;
  private final Health health;
  private final Javalin app;
  private final List<String> routes;

  private Uptake(Store store, Processor processor, Health health, Javalin app, List<String> routes) {
    this.store = store;
    this.processor = processor;
    this.health = health;
    this.app = app;
    this.routes = List.copyOf(routes);
  }

  /** Opens the store and starts serving; fails fast when the store or the port is unavailable. */
  public static Uptake start(UptakeConfig config, Clock clock) {
    Store store = Stores.open(config.store().withPageCacheBytes(config.memory().storeBytes()), clock);
    Processor processor = null;
    try {
      // Typed numbers are BigDecimals; print them as 250, not 2.5E+2.
      ObjectMapper json = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      Responses responses = new Responses(json);
      EventLog eventLog = config.discardEvents() ? Uptake::discard : store.eventLog();
      IngestRoutes ingest =
          new IngestRoutes(
              store.workspaces(), eventLog, config.region(), config.regionEndpoints(), registry, responses, json,
              clock);
      QueryRoutes query = new QueryRoutes(store.workspaces(), store.ledger(), store.quarantine(), responses, json);
      SettingsRoutes settings = new SettingsRoutes(store.workspaces(), store.settings(), responses, json);
      ProfileRoutes profiles = new ProfileRoutes(store.workspaces(), store.profiles(), responses, json);
      AccountDirectory directory = new AccountDirectory(
          store.profiles(), store.usage(), store.settings(), store.stateWriter()::version, config.memory().directoryBytes(),
          clock);
      AccountsRoutes accounts = new AccountsRoutes(store.workspaces(), directory, store.settings(), responses, json, clock);
      EventsRoutes events = new EventsRoutes(store.workspaces(), store.ledger(), store.settings(), responses, json);
      AccountUsers accountUsers = new AccountUsers(store.profiles(), store.usage(), store.settings(), clock);
      AccountDetailRoutes accountDetails = new AccountDetailRoutes(
          store.workspaces(), store.profiles(), store.settings(), store.usage(), accountUsers, responses, json, clock);
      UsageRoutes usage =
          new UsageRoutes(store.workspaces(), store.profiles(), store.settings(), store.usage(), responses, json, clock);
      SessionCache sessionCache = new SessionCache(config.memory().sessionBytes());
      CacheMetrics.register(
          registry, "sessions", sessionCache, SessionCache::stats, SessionCache::bytesHeld, config.memory().sessionBytes());
      CacheMetrics.register(
          registry, "accounts", directory, AccountDirectory::stats, AccountDirectory::bytesHeld,
          config.memory().directoryBytes());
      processor =
          new Processor(
                  store.processingLog(), store.stateWriter(), store.forProcessor().profiles(), store.forProcessor().settings(),
                  store.forProcessor().usage(),
                  new Pipeline(new IdentityResolver(json), new SessionStage(json)), sessionCache, registry, clock)
              .start();
      Gauge.builder("uptake.processing.quarantined", store.quarantine(), quarantine -> quarantine.total())
          .description("events set aside because processing failed on them, until a retry succeeds")
          .register(registry);
      Gauge.builder("uptake.eventlog.queue", eventLog, log -> log.writerStats().queued())
          .description("append requests waiting for the event log's writer").register(registry);
      FunctionCounter.builder("uptake.eventlog.groups", eventLog, log -> log.writerStats().groups())
          .description("groups the event log's writer committed, each in one transaction").register(registry);
      FunctionCounter.builder("uptake.eventlog.group.requests", eventLog, log -> log.writerStats().requests())
          .description("append requests in those groups: divided by the groups, the mean group size").register(registry);
      Health health = new Health(eventLog, processor, responses);
      ApiDocs docs = new ApiDocs(json);
      Pages pages = new Pages(store.workspaces(), store.members(), clock);
      WebRoutes web = new WebRoutes(pages, store.members(), store.workspaces(), clock);
      AdminCenterRoutes adminCenter = new AdminCenterRoutes(pages, store.workspaces(), store.ledger(), clock);
      DebuggerRoutes debuggerPage = new DebuggerRoutes(pages, store.ledger(), json);
      AccountSettingsRoutes accountSettings = new AccountSettingsRoutes(pages, store.settings(), json);
      AccountsPage accountsPage = new AccountsPage(pages, accounts);
      AccountPage accountPage =
          new AccountPage(pages, store.profiles(), store.usage(), store.settings(), accountUsers, json, clock);
      UserPage userPage = new UserPage(pages, store.profiles(), store.usage(), store.settings(), clock);
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
                ingest.register(cfg.routes);
                query.register(cfg.routes);
                settings.register(cfg.routes);
                accounts.register(cfg.routes);
                accountDetails.register(cfg.routes);
                events.register(cfg.routes);
                profiles.register(cfg.routes);
                usage.register(cfg.routes);
                docs.register(cfg.routes);
                web.register(cfg.routes);
                adminCenter.register(cfg.routes);
                debuggerPage.register(cfg.routes);
                accountSettings.register(cfg.routes);
                accountsPage.register(cfg.routes);
                accountPage.register(cfg.routes);
                userPage.register(cfg.routes);
                cfg.staticFiles.enableWebjars();
                cfg.staticFiles.add(files -> {
                  files.hostedPath = "/static";
                  files.directory = "/static";
                  files.location = Location.CLASSPATH;
                });
                health.register(cfg.routes);
                cfg.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
              });
      app.start();
      return new Uptake(store, processor, health, app, routes);
    } catch (RuntimeException e) {
      if (processor != null) {
        processor.close();
      }
      store.close();
      throw e;
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

  /** Stops taking requests, lets the event log commit what it holds, closes the store. */
  @Override
  public void close() {
    app.stop();
    processor.close();
    store.close();
  }
}
