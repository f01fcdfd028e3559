package dev.uptake.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code uptake}: the entry point of the runnable jar. */
@Command(
    name = "uptake",
    mixinStandardHelpOptions = true,
    version = "uptake 0.1.0",
    description = "Product-usage event collector for customer-success teams.",
    subcommands = {ServeCommand.class, WorkspaceCommand.class, UserCommand.class, MigrateCommand.class, ImportCommand.class,
        BackupCommands.BackupCommand.class, BackupCommands.RestoreCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests to run commands in-process. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.registerConverter(java.time.Duration.class, Durations::parse);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("uptake: " + e.getMessage());
          return 1;
        });
    return commandLine;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
