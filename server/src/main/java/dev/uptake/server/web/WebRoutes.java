package dev.uptake.server.web;

import dev.uptake.store.Members;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  static final String SESSION_COOKIE = Pages.SESSION_COOKIE;
  static final String LOGIN_CSRF_COOKIE = "uptake_login_csrf";
  static final Duration SESSION_LIFETIME = Duration.ofHours(12);
  /** Checked when an e-mail address is unknown, so a wrong address takes as long as a wrong password. */
  private static final String NO_SUCH_MEMBER = Passwords.hash(Passwords.oneTime());

  private final Members members;
  private final Workspaces workspaces;
  private final Clock clock;
  private final SignInThrottle throttle;
  private final Pages pages;

  public WebRoutes(Pages pages, Members members, Workspaces workspaces, Clock clock) {
    this.workspaces = workspaces;
    this.members = members;
    this.clock = clock;
    this.throttle = new SignInThrottle(members);
    this.pages = pages;
  }

  public void register(RoutesConfig routes) {
    routes.get("/login", this::loginPage);
    routes.post("/login", this::login);
    routes.post("/logout", this::logout);
    routes.post("/session/workspace", this::switchWorkspace);
    routes.get("/", this::home);
  }

  private void loginPage(Context ctx) {
    if (pages.session(ctx).isPresent()) {
      ctx.redirect("/", HttpStatus.SEE_OTHER);
      return;
    }
    showLogin(ctx, 200, "", null);
  }

  private void showLogin(Context ctx, int status, String email, String error) {
    String csrf = pages.token();
    ctx.cookie(pages.cookie(ctx, LOGIN_CSRF_COOKIE, csrf, -1));
    pages.render(ctx, status, "login.jte", Map.of("csrf", csrf, "email", email, "error", error == null ? "" : error));
  }

  /** A member of several workspaces moves the session to another of them. */
  private void switchWorkspace(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    String wanted = Optional.ofNullable(ctx.formParam("workspace")).orElse("");
    Optional<Workspace> workspace = workspaces.find(wanted);
    if (workspace.isEmpty() || !members.switchWorkspace(pages.sessionHash(ctx), workspace.get().id())) {
      pages.refuse(ctx, 403, "You are not a member of workspace '" + wanted + "'.");
      return;
    }
    ctx.redirect("/accounts", HttpStatus.SEE_OTHER);
  }

  private void login(Context ctx) {
    String email = Optional.ofNullable(ctx.formParam("email")).orElse("").strip();
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    String sent = ctx.formParam("csrf");
    String expected = ctx.cookie(LOGIN_CSRF_COOKIE);
    if (sent == null || expected == null || !Pages.same(sent, expected)) {
      showLogin(ctx, 403, email, "This form had expired. Please sign in again.");
      return;
    }
    String byEmail = "email:" + email.toLowerCase(Locale.ROOT);
    String byClient = "client:" + ctx.ip();
    Members.SignInAttempt attempt = throttle.attempt(byEmail, byClient);
    if (!attempt.allowed()) {
      showLogin(ctx, 429, email, "Too many failed sign-ins. Try again in "
          + Math.max(1, (attempt.retryAfter().toSeconds() + 59) / 60) + " minutes.");
      return;
    }
    Optional<Members.Member> member = members.byEmail(email);
    boolean matches = Passwords.matches(password, member.map(Members.Member::passwordHash).orElse(NO_SUCH_MEMBER));
    if (member.isEmpty() || !matches || member.get().memberships().isEmpty()) {
      showLogin(ctx, 401, email, "Wrong e-mail address or password.");
      return;
    }
    throttle.succeeded(attempt, byEmail);
    String token = pages.token();
    Instant expires = clock.instant().plus(SESSION_LIFETIME);
    members.startSession(Pages.sha256(token), member.get().id(), member.get().memberships().get(0).workspaceId(), pages.token(), expires);
    ctx.removeCookie(LOGIN_CSRF_COOKIE, "/");
    ctx.cookie(pages.cookie(ctx, SESSION_COOKIE, token, (int) SESSION_LIFETIME.toSeconds()));
    ctx.redirect("/", HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    Optional<Members.WebSession> session = pages.session(ctx);
    if (session.isPresent()) {
      if (!Pages.same(Optional.ofNullable(ctx.formParam("csrf")).orElse(""), session.get().csrfToken())) {
        ctx.status(403).result("This form had expired; reload the page and sign out again.");
        return;
      }
      members.endSession(Pages.sha256(ctx.cookie(SESSION_COOKIE)));
    }
    ctx.removeCookie(SESSION_COOKIE, "/");
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  /** The first page a signed-in member sees. */
  private void home(Context ctx) {
    if (pages.require(ctx).isPresent()) {
      ctx.redirect("/accounts", HttpStatus.SEE_OTHER);
    }
  }

}
