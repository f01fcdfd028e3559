package dev.uptake.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.web.Passwords;
import dev.uptake.store.Members;
import dev.uptake.store.Store;
import dev.uptake.store.Stores;
import dev.uptake.store.Workspace;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code uptake user …}: the people who sign in to the web app. */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Add people who sign in to the web app.",
    subcommands = {UserCommand.Add.class})
final class UserCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a member to a workspace; a new member gets a one-time password, printed once.")
  static final class Add implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin StoreOption data;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--workspace", required = true, description = "The workspace id (ws_…).")
    String workspace;

    @Option(names = "--email", required = true, description = "The member's e-mail address: their sign-in name.")
    String email;

    @Option(names = "--role", defaultValue = "viewer", description = "admin (may change settings, sees the Event auth key) or viewer (default: ${DEFAULT-VALUE}).")
    String role;

    @Override
    public void run() {
      Members.Role parsed = switch (role.strip().toLowerCase(Locale.ROOT)) {
        case "admin" -> Members.Role.ADMIN;
        case "viewer" -> Members.Role.VIEWER;
        default -> throw new ParameterException(spec.commandLine(), "--role must be admin or viewer, was '" + role + "'");
      };
      if (!email.contains("@") || email.isBlank()) {
        throw new ParameterException(spec.commandLine(), "--email must be an e-mail address, was '" + email + "'");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      try (Store store = Stores.open(data.storeConfig(), Clock.systemUTC())) {
        Workspace found = store.workspaces().find(workspace.strip()).orElseThrow(() -> new ParameterException(
            spec.commandLine(), "no workspace has the id '" + workspace + "'; `uptake workspace list` shows them"));
        Passwords.NewMember member = Passwords.add(store.members(), email.strip(), found.id(), parsed);
        out.put("workspace", found.publicId());
        out.put("email", member.email());
        out.put("role", member.role().id());
        out.put("password", member.password());
        if (member.password() == null) {
          out.put("note", "this e-mail address already signs in: it keeps its password, and its role in this workspace is now " + member.role().id());
        }
      }
      try {
        spec.commandLine().getOut().println(JSON.writeValueAsString(out));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("command results are plain maps", e);
      }
    }
  }
}
