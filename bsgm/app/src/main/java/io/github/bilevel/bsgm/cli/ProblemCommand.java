package io.github.bilevel.bsgm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the commands on one named problem ({@code generate}, {@code hypergrad}, {@code solve})
 * share: the positional {@code PROBLEM} argument and the command's spec, with its output and
 * error streams.
 */
abstract class ProblemCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROBLEM",
      description = "The problem: ${COMPLETION-CANDIDATES}.")
  ProblemName problem;

  /** The command's standard output. */
  final PrintWriter stdout() {
    return spec.commandLine().getOut();
  }

  /** The command's standard error (warnings). */
  final PrintWriter stderr() {
    return spec.commandLine().getErr();
  }
}
