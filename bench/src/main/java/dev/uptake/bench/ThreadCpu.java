package dev.uptake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a process's CPU goes, by kind of thread, from Linux's per-thread counters
 * ({@code /proc/PID/task/TID/stat}): what answers requests, the event log's writer, processing's
 * two threads, the JIT and the GC. Two readings a measurement apart give cores used by each, the
 * figure that says which part of the server a load is bound by.
 */
record ThreadCpu(long atNanos, Map<String, Long> ticks) {

  /** Linux reports thread times in clock ticks of 1/100 s (USER_HZ, fixed for user space). */
  private static final double TICKS_PER_SECOND = 100;

  static ThreadCpu of(Process process) throws IOException {
    Map<String, Long> ticks = new TreeMap<>();
    eachThread(process.pid(), (kind, thread) -> {
      String stat = Files.readString(thread.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // after the name, which may hold spaces
      ticks.merge(kind, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum); // utime + stime
    });
    return new ThreadCpu(System.nanoTime(), ticks);
  }

  /** What reads one thread's counters: its kind, and its directory under {@code /proc/PID/task}. */
  interface ThreadReader {
    void read(String kind, Path thread) throws IOException;
  }

  /** Calls {@code reader} for each thread of process {@code pid}; one that ends meanwhile is left out. */
  static void eachThread(long pid, ThreadReader reader) throws IOException {
    try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        try {
          reader.read(kind(Files.readString(thread.resolve("comm")).strip()), thread);
        } catch (NoSuchFileException ended) {
          // the thread ended while being read
        }
      }
    }
  }

  /** Cores used by each kind of thread from {@code before} to this reading. */
  Map<String, Double> coresSince(ThreadCpu before) {
    double seconds = (atNanos - before.atNanos) / 1e9;
    Map<String, Double> cores = new TreeMap<>();
    ticks.forEach((kind, now) -> {
      double used = (now - before.ticks.getOrDefault(kind, 0L)) / TICKS_PER_SECOND / seconds;
      cores.put(kind, Math.round(used * 100) / 100.0);
    });
    return cores;
  }

  /** Cores used by every thread together from {@code before} to this reading. */
  double totalCoresSince(ThreadCpu before) {
    return Math.round(coresSince(before).values().stream().mapToDouble(Double::doubleValue).sum() * 100) / 100.0;
  }

  /** What a thread does, by its name as Linux keeps it: cut at 15 characters. */
  private static String kind(String thread) {
    if (thread.startsWith("JettyServerThr")) {
      return "requests";
    } else if (thread.startsWith("uptake-event-lo")) {
      return "eventLogWriter";
    } else if (thread.startsWith("uptake-processo")) {
      return "processor";
    } else if (thread.startsWith("uptake-committe")) {
      return "committer";
    } else if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler")) {
      return "jit";
    } else if (thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
      return "gc";
    }
    return "other";
  }
}
