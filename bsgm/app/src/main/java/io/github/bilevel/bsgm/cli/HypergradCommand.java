package io.github.bilevel.bsgm.cli;

import picocli.CommandLine.Command;

/** {@code bsgm hypergrad PROBLEM}: one hypergradient, by SID or exactly. */
@Command(name = "hypergrad", mixinStandardHelpOptions = true,
    description = "Computes one hypergradient ∇f(λ) by SID (or exactly) and writes it as .npy.",
    subcommands = {HypergradRidgeCommand.class})
final class HypergradCommand {}
