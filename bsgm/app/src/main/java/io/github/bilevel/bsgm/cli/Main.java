package io.github.bilevel.bsgm.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/bsgm}. */
@Command(
    name = "bsgm",
    mixinStandardHelpOptions = true,
    version = "bsgm 0.1.0",
    description = "Bilevel optimization with a fixed-point lower level: kernels, SID, BSGM.",
    subcommands = {BackendsCommand.class, DemoCommand.class, RunCommand.class,
        CompareCommand.class,
        HypergradRidgeCommand.class, SolveRidgeCommand.class, GenerateRidgeCommand.class,
        RatesCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** {@code --verbose} and {@code --quiet}, accepted by every command. */
  @CommandLine.Mixin
  GlobalOptions global;

  /** Runs the command line; exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line on the standard streams and returns the exit status. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    return GlobalOptions.execute(cli, true, args);
  }

  /**
   * Runs the command line with its output and errors sent to the given writers (for tests) and
   * returns the exit status. Progress bars are off.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    return GlobalOptions.execute(cli, false, args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
