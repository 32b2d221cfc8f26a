package io.github.bilevel.bsgm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The options every command accepts ({@code --verbose}, {@code --quiet}) and how the command
 * line runs: errors print {@code error: <message>} to stderr and give exit status 1, with the
 * stack trace only under {@code --verbose}; option errors print picocli's message with a hint
 * and give status 2.
 */
final class GlobalOptions {

  /** Exit status of a command that failed while running. */
  static final int ERROR = 1;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "On an error, print the stack trace too; say on stderr which backend "
          + "--backend auto picked and why.")
  boolean verbose;

  @Option(names = "--quiet", scope = ScopeType.INHERIT,
      description = "No progress output (bars, progress lines); errors are still printed.")
  boolean quiet;

  /** Whether progress bars may be drawn: standard streams, and not {@code --quiet}. */
  boolean progressAllowed;

  /** The global options of the command line that {@code spec} belongs to. */
  static GlobalOptions of(CommandSpec spec) {
    return spec.root().userObject() instanceof Main main && main.global != null ? main.global
        : new GlobalOptions();
  }

  /**
   * Executes {@code cli} (whose command is a {@link Main}) with this class's error handling.
   *
   * @param standardStreams whether output goes to the process's stdout and stderr (progress
   *     bars are drawn only then)
   */
  static int execute(CommandLine cli, boolean standardStreams, String... args) {
    GlobalOptions global = ((Main) cli.getCommand()).global;
    cli.setExecutionStrategy(parsed -> {
      global.verbose |= matched(parsed, "--verbose");
      global.quiet |= matched(parsed, "--quiet");
      global.progressAllowed = standardStreams && !global.quiet;
      return new CommandLine.RunLast().execute(parsed);
    });
    cli.setExecutionExceptionHandler((e, command, parsed) ->
        reportError(e, command.getErr(), global.verbose || matched(parsed, "--verbose")));
    cli.setParameterExceptionHandler(GlobalOptions::reportParameterError);
    try {
      return cli.execute(args);
    } finally {
      cli.getOut().flush();
      cli.getErr().flush();
    }
  }

  /** Whether {@code option} was given to the command or any of its subcommands. */
  private static boolean matched(ParseResult parsed, String option) {
    for (ParseResult r = parsed; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }

  /** {@code error: <message>}, and the stack trace if verbose. */
  static int reportError(Exception e, PrintWriter err, boolean verbose) {
    err.println("error: " + message(e));
    if (verbose) {
      e.printStackTrace(err);
    } else if (!expected(e)) {
      err.println("(an unexpected error: --verbose shows its stack trace)");
    }
    err.flush();
    return ERROR;
  }

  private static int reportParameterError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    boolean verbose = false;
    for (String arg : args) {
      verbose |= arg.equals("--verbose");
    }
    if (verbose) {
      e.printStackTrace(err);
    }
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more"
        + " information.");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getName();
    }
    return message;
  }

  /** The errors the code reports on bad input; anything else is a bug worth a stack trace. */
  private static boolean expected(Exception e) {
    return e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof ArithmeticException || e instanceof IOException
        || e instanceof UncheckedIOException;
  }
}
