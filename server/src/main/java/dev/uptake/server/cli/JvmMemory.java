package dev.uptake.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the JVM to give heap it no longer needs back to the operating system once a load is over.
 * A server's heap grows under a burst (G1 expands it to keep collection time low) and, with the
 * JVM's defaults, stays that large: 1.5 GB resident for a 260 MB live set (BENCHMARKS.md). These
 * flags can be changed while the JVM runs; one the operator set on the command line is kept.
 */
final class JvmMemory {

  private static final Logger log = LoggerFactory.getLogger(JvmMemory.class);

  /** Collect when idle for this many ms, which lets G1 shrink the heap; keep 10–30 % of it free. */
  static final Map<String, String> FLAGS = Map.of(
      "G1PeriodicGCInterval", "15000", "MinHeapFreeRatio", "10", "MaxHeapFreeRatio", "30");

  private JvmMemory() {}

  static void returnFreeHeapWhenIdle() {
    HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (hotSpot == null) {
      return; // not HotSpot: its own defaults apply
    }
    // MinHeapFreeRatio may not exceed MaxHeapFreeRatio at any moment: lower the minimum first.
    for (String flag : new String[] {"MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval"}) {
      try {
        VMOption option = hotSpot.getVMOption(flag);
        if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
          hotSpot.setVMOption(flag, FLAGS.get(flag));
        }
      } catch (IllegalArgumentException e) {
        log.debug("cannot set {}: {}", flag, e.getMessage());
      }
    }
  }
}
