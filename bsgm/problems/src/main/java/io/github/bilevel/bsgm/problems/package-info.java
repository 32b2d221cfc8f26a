/**
 * The workloads of the seed papers on real data (docs/mathematics.md §5): the equilibrium model
 * {@link io.github.bilevel.bsgm.problems.EquilibriumModel}, the linear softmax baseline
 * {@link io.github.bilevel.bsgm.problems.LinearSoftmax}, and the data-poisoning, hyper-cleaning
 * and meta-learning problems.
 */
package io.github.bilevel.bsgm.problems;
