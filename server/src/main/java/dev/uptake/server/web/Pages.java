package dev.uptake.server.web;

import dev.uptake.store.Members;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every page needs: its template rendered, the signed-in session of the request (or a
 * redirect to sign in), the CSRF check of a form, and cookies with the right flags.
 */
public final class Pages {

  static final String SESSION_COOKIE = "uptake_session";

  private final Workspaces workspaces;
  private final Members members;
  private final Clock clock;
  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
  private final SecureRandom random = new SecureRandom();

  public Pages(Workspaces workspaces, Members members, Clock clock) {
    this.workspaces = workspaces;
    this.members = members;
    this.clock = clock;
  }

  /** The hash under which the store keeps the request's session token, or null without one. */
  String sessionHash(Context ctx) {
    String token = ctx.cookie(SESSION_COOKIE);
    return token == null ? null : sha256(token);
  }

  /** The session of the request's cookie, if it is signed in. */
  Optional<Members.WebSession> session(Context ctx) {
    String token = ctx.cookie(SESSION_COOKIE);
    return token == null ? Optional.empty() : members.session(sha256(token), clock.instant());
  }

  /** The session, or empty after answering with a redirect to the sign-in page. */
  Optional<Members.WebSession> require(Context ctx) {
    Optional<Members.WebSession> session = session(ctx);
    if (session.isEmpty()) {
      ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }
    return session;
  }

  /**
   * The session, or empty after answering 401: for the parts a page fetches by itself (htmx), where
   * a redirect would put the sign-in page inside the page.
   */
  Optional<Members.WebSession> requireForPart(Context ctx) {
    Optional<Members.WebSession> session = session(ctx);
    if (session.isEmpty()) {
      refuse(ctx, 401, "Signed out: reload the page to sign in again.");
    }
    return session;
  }

  /** Answers {@code status} with a sentence for the person at the browser. */
  void refuse(Context ctx, int status, String text) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(text);
  }

  /** True when the form carries the session's CSRF token; otherwise answers 403. */
  boolean formAllowed(Context ctx, Members.WebSession session) {
    String sent = ctx.formParam("csrf");
    if (sent != null && same(sent, session.csrfToken())) {
      return true;
    }
    refuse(ctx, 403, "This form had expired; reload the page and try again.");
    return false;
  }

  /** True for admins; otherwise answers 403 (a viewer reads, but changes nothing). */
  boolean admin(Context ctx, Members.WebSession session) {
    if (session.role() == Members.Role.ADMIN) {
      return true;
    }
    refuse(ctx, 403, "Only a workspace admin may do this.");
    return false;
  }

  /** A workspace the member may switch to, in the top bar. */
  public record WorkspaceChoice(String id, String name, boolean current) {}

  /** The model every page's frame (its top bar) needs; pages add their own to a copy. */
  Map<String, Object> frame(Members.WebSession session) {
    Map<String, Object> model = new HashMap<>();
    model.put("workspace", workspace(session).name());
    List<WorkspaceChoice> choices = new ArrayList<>();
    for (Members.Membership membership : members.memberships(session.memberId())) {
      workspaces.byId(membership.workspaceId()).ifPresent(w ->
          choices.add(new WorkspaceChoice(w.publicId(), w.name(), w.id() == session.workspaceId())));
    }
    model.put("workspaces", choices);
    model.put("email", session.email());
    model.put("role", session.role().id());
    model.put("csrf", session.csrfToken());
    return model;
  }

  Workspace workspace(Members.WebSession session) {
    return workspaces.byId(session.workspaceId()).orElseThrow();
  }

  void render(Context ctx, int status, String template, Map<String, Object> model) {
    StringOutput out = new StringOutput();
    templates.render(template, model, out);
    ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store").result(out.toString());
  }

  Cookie cookie(Context ctx, String name, String value, int maxAgeSeconds) {
    Cookie cookie = new Cookie(name, value, "/", maxAgeSeconds, secure(ctx));
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.LAX);
    return cookie;
  }

  String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Secure cookies when the browser came over HTTPS (directly or through a proxy that says so). */
  private static boolean secure(Context ctx) {
    return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }

  /** The server's address as the browser reached it: for the endpoint URLs to paste elsewhere. */
  public static String baseUrl(Context ctx) {
    String scheme = Optional.ofNullable(ctx.header("X-Forwarded-Proto")).orElse(ctx.scheme());
    String host = Optional.ofNullable(ctx.header("X-Forwarded-Host")).orElse(ctx.host());
    return scheme + "://" + host;
  }
}
