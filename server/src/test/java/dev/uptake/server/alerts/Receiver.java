package dev.uptake.server.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server that records what it receives, per path; a path can be told to answer 500 for
 * its first requests (or always), as a receiver that is down would.
 */
final class Receiver implements AutoCloseable {

  /** One request as received. */
  record Received(String path, String signature, String body) {}

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

  Receiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getPath();
      AtomicInteger left = failuresLeft.get(path);
      boolean fail = left != null && left.getAndDecrement() > 0;
      synchronized (received) {
        received.add(new Received(path, exchange.getRequestHeaders().getFirst("X-Uptake-Signature"), body));
        received.notifyAll();
      }
      exchange.sendResponseHeaders(fail ? 500 : 200, -1);
      exchange.close();
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The path answers 500 to its next {@code times} requests. */
  void failNext(String path, int times) {
    failuresLeft.put(path, new AtomicInteger(times));
  }

  List<Received> at(String path) {
    synchronized (received) {
      return received.stream().filter(each -> each.path().equals(path)).toList();
    }
  }

  /** Waits until {@code path} has received {@code count} requests, at most {@code timeout}; returns them. */
  List<Received> await(String path, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (at(path).size() < count && System.nanoTime() < deadline) {
        received.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      return at(path);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
