package io.github.bilevel.bsgm.problems;

/**
 * How a classifier does on a labelled set.
 *
 * @param loss     mean cross-entropy of its logits
 * @param accuracy fraction of examples whose arg-max logit is the label, in {@code [0, 1]}
 *                 (ties go to the smaller class index)
 */
public record Evaluation(double loss, double accuracy) {}
