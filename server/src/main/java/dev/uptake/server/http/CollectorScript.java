package dev.uptake.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /uptake.js}: the browser collector, minified (its readable source and the command that
 * minifies it are in {@code server/src/main/collector}), for any site to load: cacheable and
 * revalidated by its ETag, allowed cross-origin.
 */
public final class CollectorScript {

  static final String RESOURCE = "/collector/uptake.min.js";

  private final byte[] script;
  private final String etag;

  public CollectorScript() {
    try (InputStream in = CollectorScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar: the build did not package it");
      }
      this.script = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.etag = "\"" + HexFormat.of().formatHex(sha256(script), 0, 16) + "\"";
  }

  public void register(RoutesConfig routes) {
    routes.get("/uptake.js", this::serve);
  }

  private void serve(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Cross-Origin-Resource-Policy", "cross-origin");
    // An hour in caches, then revalidated: a new version reaches every site within the hour.
    ctx.header("Cache-Control", "public, max-age=3600");
    ctx.header("ETag", etag);
    String asked = ctx.header("If-None-Match");
    if (asked != null && asked.contains(etag)) {
      ctx.status(304);
      return;
    }
    ctx.contentType("application/javascript; charset=utf-8").result(script);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
