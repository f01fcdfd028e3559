package dev.uptake.core.settings;

import dev.uptake.core.mapping.Mapping;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A workspace's settings. {@link #DEFAULTS} hold until an admin changes them.
 *
 * @param tiers the tier names a group call's {@code tier} may take
 * @param lifecycleStages the stage names {@code lifecycle_stage} may take
 * @param sessionTimeoutMinutes the gap that ends a session
 * @param idleThresholdMinutes the most of one interval that counts as active time
 * @param timeZone the zone whose days rollups are per
 * @param mapping where events keep their module, feature, account and session key; saved and
 *     read apart from the rest ({@code /api/v1/mappings}), so {@link SettingsCodec} leaves it out
 */
public record WorkspaceSettings(
    List<String> tiers,
    List<String> lifecycleStages,
    List<Dimension> dimensions,
    int sessionTimeoutMinutes,
    int idleThresholdMinutes,
    ZoneId timeZone,
    Mapping mapping) {

  public static final WorkspaceSettings DEFAULTS =
      new WorkspaceSettings(List.of(), List.of(), List.of(), 30, 5, ZoneId.of("UTC"));

  /** Settings under the default mapping. */
  public WorkspaceSettings(
      List<String> tiers, List<String> lifecycleStages, List<Dimension> dimensions, int sessionTimeoutMinutes,
      int idleThresholdMinutes, ZoneId timeZone) {
    this(tiers, lifecycleStages, dimensions, sessionTimeoutMinutes, idleThresholdMinutes, timeZone, Mapping.DEFAULT);
  }

  public WorkspaceSettings {
    tiers = List.copyOf(tiers);
    lifecycleStages = List.copyOf(lifecycleStages);
    dimensions = List.copyOf(dimensions);
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(mapping, "mapping");
  }

  public WorkspaceSettings withMapping(Mapping newMapping) {
    return new WorkspaceSettings(
        tiers, lifecycleStages, dimensions, sessionTimeoutMinutes, idleThresholdMinutes, timeZone, newMapping);
  }

  /** The defined tier that {@code value} names, ignoring case, as the settings spell it. */
  public Optional<String> tier(String value) {
    return named(tiers, value);
  }

  /** The defined lifecycle stage that {@code value} names, ignoring case. */
  public Optional<String> lifecycleStage(String value) {
    return named(lifecycleStages, value);
  }

  /** The dimensions read from {@code source} calls. */
  public List<Dimension> dimensions(Dimension.Source source) {
    return dimensions.stream().filter(d -> d.source() == source).toList();
  }

  private static Optional<String> named(List<String> defined, String value) {
    return defined.stream().filter(name -> name.equalsIgnoreCase(value.strip())).findFirst();
  }
}
