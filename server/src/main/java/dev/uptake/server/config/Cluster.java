package dev.uptake.server.config;

import dev.uptake.cluster.EventTopic;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A node of a cluster: which roles it plays, and the Kafka topic the cluster shares. Nodes of any
 * roles, on any machines, share one Kafka topic and one PostgreSQL database.
 */
public record Cluster(EventTopic topic, Set<Role> roles) {

  /** What a node does; a node may play several. */
  public enum Role {
    /** Takes events from senders and hands them to Kafka. */
    INGEST,
    /** Reads Kafka in the processors' consumer group and commits what events change to PostgreSQL. */
    PROCESS,
    /** Serves the API and the web app from PostgreSQL. */
    QUERY;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Cluster {
    Objects.requireNonNull(topic, "topic");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("a node needs at least one role");
    }
    roles = Set.copyOf(roles);
  }

  public boolean plays(Role role) {
    return roles.contains(role);
  }

  /**
   * The roles {@code text} names: comma-separated, any case, such as {@code ingest,query}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Set<Role> roles(String text) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : text.split(",", -1)) {
      String name = part.strip().toUpperCase(Locale.ROOT);
      if (Arrays.stream(Role.values()).noneMatch(role -> role.name().equals(name))) {
        throw new IllegalArgumentException("'" + part.strip() + "' is no role; roles are "
            + Arrays.stream(Role.values()).map(Role::id).collect(Collectors.joining(", ")) + ", comma-separated");
      }
      roles.add(Role.valueOf(name));
    }
    return roles;
  }

  /** The roles as a user writes them: {@code ingest,process,query}. */
  public String describeRoles() {
    return EnumSet.copyOf(roles).stream().map(Role::id).collect(Collectors.joining(","));
  }
}
