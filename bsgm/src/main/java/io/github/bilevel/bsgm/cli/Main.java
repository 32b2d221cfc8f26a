package io.github.bilevel.bsgm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/bsgm}. */
@Command(
    name = "bsgm",
    mixinStandardHelpOptions = true,
    version = "bsgm 0.1.0",
    description = "Bilevel optimization with a fixed-point lower level: kernels, SID, BSGM.",
    subcommands = {BackendsCommand.class, DemoCommand.class, RunCommand.class,
        CompareCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line; exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (for tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + e.getMessage());
      return 2;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
