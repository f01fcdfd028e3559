package dev.uptake.server.web;

import dev.uptake.store.Members;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The web app's sign-in and pages. A signed-in browser holds a random session token in an
 * {@code HttpOnly}, {@code SameSite=Lax} cookie (the store keeps only its hash); every form that
 * changes something carries the session's CSRF token, and the sign-in form a token that must match
 * a cookie set with it (there is no session yet). Failed sign-ins are throttled per e-mail address
 * and per client address ({@link SignInThrottle}).
 */
public final class WebRoutes {

  static final String SESSION_COOKIE = "uptake_session";
  static final String LOGIN_CSRF_COOKIE = "uptake_login_csrf";
  static final Duration SESSION_LIFETIME = Duration.ofHours(12);
  /** Checked when an e-mail address is unknown, so a wrong address takes as long as a wrong password. */
  private static final String NO_SUCH_MEMBER = Passwords.hash(Passwords.oneTime());

  private final Workspaces workspaces;
  private final Members members;
  private final Clock clock;
  private final SignInThrottle throttle;
  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
  private final SecureRandom random = new SecureRandom();

  public WebRoutes(Workspaces workspaces, Members members, Clock clock) {
    this.workspaces = workspaces;
    this.members = members;
    this.clock = clock;
    this.throttle = new SignInThrottle(clock);
  }

  public void register(RoutesConfig routes) {
    routes.get("/login", this::loginPage);
    routes.post("/login", this::login);
    routes.post("/logout", this::logout);
    routes.get("/", this::home);
  }

  private void loginPage(Context ctx) {
    if (signedIn(ctx).isPresent()) {
      ctx.redirect("/", HttpStatus.SEE_OTHER);
      return;
    }
    showLogin(ctx, 200, "", null);
  }

  private void showLogin(Context ctx, int status, String email, String error) {
    String csrf = token();
    ctx.cookie(cookie(ctx, LOGIN_CSRF_COOKIE, csrf, -1));
    render(ctx, status, "login.jte", Map.of("csrf", csrf, "email", email, "error", error == null ? "" : error));
  }

  private void login(Context ctx) {
    String email = Optional.ofNullable(ctx.formParam("email")).orElse("").strip();
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    String sent = ctx.formParam("csrf");
    String expected = ctx.cookie(LOGIN_CSRF_COOKIE);
    if (sent == null || expected == null || !same(sent, expected)) {
      showLogin(ctx, 403, email, "This form had expired. Please sign in again.");
      return;
    }
    String byEmail = "email:" + email.toLowerCase(Locale.ROOT);
    String byClient = "client:" + ctx.ip();
    Duration wait = throttle.wait(byEmail, byClient);
    if (!wait.isZero()) {
      showLogin(ctx, 429, email, "Too many failed sign-ins. Try again in "
          + Math.max(1, (wait.toSeconds() + 59) / 60) + " minutes.");
      return;
    }
    Optional<Members.Member> member = members.byEmail(email);
    boolean matches = Passwords.matches(password, member.map(Members.Member::passwordHash).orElse(NO_SUCH_MEMBER));
    if (member.isEmpty() || !matches || member.get().memberships().isEmpty()) {
      throttle.failed(byEmail, byClient);
      showLogin(ctx, 401, email, "Wrong e-mail address or password.");
      return;
    }
    throttle.succeeded(byEmail);
    String token = token();
    Instant expires = clock.instant().plus(SESSION_LIFETIME);
    members.startSession(sha256(token), member.get().id(), member.get().memberships().get(0).workspaceId(), token(), expires);
    ctx.removeCookie(LOGIN_CSRF_COOKIE, "/");
    ctx.cookie(cookie(ctx, SESSION_COOKIE, token, (int) SESSION_LIFETIME.toSeconds()));
    ctx.redirect("/", HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    Optional<Members.WebSession> session = signedIn(ctx);
    if (session.isPresent()) {
      if (!same(Optional.ofNullable(ctx.formParam("csrf")).orElse(""), session.get().csrfToken())) {
        ctx.status(403).result("This form had expired; reload the page and sign out again.");
        return;
      }
      members.endSession(sha256(ctx.cookie(SESSION_COOKIE)));
    }
    ctx.removeCookie(SESSION_COOKIE, "/");
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  private void home(Context ctx) {
    Optional<Members.WebSession> session = signedIn(ctx);
    if (session.isEmpty()) {
      ctx.redirect("/login", HttpStatus.SEE_OTHER);
      return;
    }
    Workspace workspace = workspaces.byId(session.get().workspaceId()).orElseThrow();
    render(ctx, 200, "home.jte", Map.of("workspace", workspace.name(), "email", session.get().email(),
        "role", session.get().role().id(), "csrf", session.get().csrfToken()));
  }

  /** The session of the request's cookie, if it is signed in. */
  Optional<Members.WebSession> signedIn(Context ctx) {
    String token = ctx.cookie(SESSION_COOKIE);
    return token == null ? Optional.empty() : members.session(sha256(token), clock.instant());
  }

  private void render(Context ctx, int status, String template, Map<String, Object> model) {
    StringOutput out = new StringOutput();
    templates.render(template, model, out);
    ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store").result(out.toString());
  }

  private Cookie cookie(Context ctx, String name, String value, int maxAgeSeconds) {
    Cookie cookie = new Cookie(name, value, "/", maxAgeSeconds, secure(ctx));
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.LAX);
    return cookie;
  }

  /** Secure cookies when the browser came over HTTPS (directly or through a proxy that says so). */
  private static boolean secure(Context ctx) {
    return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }

  private String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
