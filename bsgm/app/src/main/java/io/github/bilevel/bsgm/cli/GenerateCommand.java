package io.github.bilevel.bsgm.cli;

import picocli.CommandLine.Command;

/** {@code bsgm generate PROBLEM}: synthetic data for the other commands. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Writes a synthetic problem as .npy files, to try the other commands on.",
    subcommands = {GenerateRidgeCommand.class})
final class GenerateCommand {}
