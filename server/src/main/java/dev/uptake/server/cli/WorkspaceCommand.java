package dev.uptake.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.keys.EventKeys;
import dev.uptake.core.keys.Region;
import dev.uptake.server.web.Passwords;
import dev.uptake.store.Members;
import dev.uptake.store.Store;
import dev.uptake.store.Stores;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code uptake workspace …}: create, list and re-key workspaces. Each prints JSON on stdout. Safe
 * while a server runs on the same data directory: the server finds new keys on their first use.
 */
@Command(
    name = "workspace",
    mixinStandardHelpOptions = true,
    description = "Create, list and re-key workspaces.",
    subcommands = {
      WorkspaceCommand.Create.class,
      WorkspaceCommand.ListAll.class,
      WorkspaceCommand.RotateKeys.class,
      WorkspaceCommand.SetWebhookSecret.class
    })
final class WorkspaceCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Shared by the sub-commands: open the store, do one thing, print its JSON. */
  abstract static class StoreCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin StoreOption data;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    abstract Object apply(Store store);

    @Override
    public void run() {
      Object result;
      try (Store store = Stores.open(data.storeConfig(), Clock.systemUTC())) {
        result = apply(store);
      }
      try {
        spec.commandLine().getOut().println(JSON.writeValueAsString(result));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("command results are plain maps", e);
      }
    }

    Region region(String id) {
      return Region.fromId(id)
          .orElseThrow(() -> new ParameterException(spec.commandLine(), "--region must be us or eu, was '" + id + "'"));
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a workspace and print its keys.")
  static final class Create extends StoreCommand {
    @Option(names = "--name", required = true, description = "Name of the workspace (the customer's company).")
    String name;

    @Option(names = "--region", defaultValue = "${env:UPTAKE_REGION:-us}", description = "Region of its keys: us or eu (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--admin-email", description = "E-mail address of its first admin, who signs in to the web app (default: admin@<workspace id>).")
    String adminEmail;

    @Override
    Object apply(Store store) {
      if (name.isBlank()) {
        throw new ParameterException(spec.commandLine(), "--name must not be empty");
      }
      Workspaces.Created created = store.workspaces().create(name.strip(), region(region));
      Map<String, Object> out = describe(created.workspace(), created.keys());
      out.put("adminToken", created.adminToken());
      String email = adminEmail != null ? adminEmail.strip() : "admin@" + created.workspace().publicId();
      Passwords.NewMember admin = Passwords.add(store.members(), email, created.workspace().id(), Members.Role.ADMIN);
      out.put("adminEmail", admin.email());
      out.put("adminPassword", admin.password()); // shown once: only its hash is kept
      return out;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces with their current keys.")
  static final class ListAll extends StoreCommand {
    @Override
    Object apply(Store store) {
      Workspaces workspaces = store.workspaces();
      List<Workspace> all = workspaces.list();
      return all.stream().map(w -> describe(w, workspaces.currentKeys(w))).toList();
    }
  }

  @Command(
      name = "rotate-keys",
      mixinStandardHelpOptions = true,
      description = "Issue new sender keys; the old ones keep working for the grace period.")
  static final class RotateKeys extends StoreCommand {
    @Option(names = "--workspace", required = true, paramLabel = "ID", description = "Workspace id (ws_…).")
    String workspace;

    @Option(names = "--grace", defaultValue = "7d", description = "How long the old keys keep working: 0s, 30m, 12h, 7d (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--admin-token", description = "Also issue a new admin token (the old one gets the same grace).")
    boolean adminToken;

    @Override
    Object apply(Store store) {
      Workspaces workspaces = store.workspaces();
      Workspaces.Rotated rotated = workspaces.rotateKeys(workspace, grace, adminToken);
      Map<String, Object> out = describe(rotated.workspace(), rotated.keys());
      if (rotated.adminToken() != null) {
        out.put("adminToken", rotated.adminToken());
      }
      out.put("previousKeysValidUntil", rotated.previousValidUntil().toString());
      return out;
    }
  }

  @Command(
      name = "set-webhook-secret",
      mixinStandardHelpOptions = true,
      description = "Require native Event API requests to carry X-Signature, the HMAC-SHA1 of the body.")
  static final class SetWebhookSecret extends StoreCommand {
    @Option(names = "--workspace", required = true, paramLabel = "ID", description = "Workspace id (ws_…).")
    String workspace;

    @ArgGroup(multiplicity = "1")
    Secret secret;

    static final class Secret {
      @Option(names = "--secret", description = "The shared secret, as set in Segment.")
      String value;

      @Option(names = "--clear", description = "Stop requiring signatures.")
      boolean clear;
    }

    @Override
    Object apply(Store store) {
      Workspaces workspaces = store.workspaces();
      Workspace updated = workspaces.setWebhookSecret(workspace, secret.clear ? null : secret.value);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("workspace", updated.publicId());
      out.put("signatureRequired", updated.webhookSecret().isPresent());
      return out;
    }
  }

  private static Map<String, Object> describe(Workspace workspace, EventKeys keys) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workspace", workspace.publicId());
    out.put("name", workspace.name());
    out.put("region", workspace.region().id());
    out.put("apiKey", keys.apiKey());
    out.put("authKey", keys.authKey());
    out.put("writeKey", keys.writeKey());
    out.put("accountApiKey", keys.accountApiKey());
    out.put("createdAt", workspace.createdAt().toString());
    return out;
  }

}
