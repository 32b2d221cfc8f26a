package io.github.bilevel.bsgm.cli;

import picocli.CommandLine.Command;

/** {@code bsgm solve PROBLEM}: BSGM on a problem given as files. */
@Command(name = "solve", mixinStandardHelpOptions = true,
    description = "Runs BSGM from a given λ and writes the trace and the result as JSON.",
    subcommands = {SolveRidgeCommand.class})
final class SolveCommand {}
