/**
 * Empirical validation of the convergence rates of SID and BSGM (the {@code bsgm rates}
 * command): each {@link io.github.bilevel.bsgm.rates.RateExperiment} measures per-seed values
 * at several sizes, {@link io.github.bilevel.bsgm.rates.SlopeFit} fits the least-squares slope
 * of the aggregated curve on log–log (or log-linear) axes with a percentile-bootstrap interval
 * over seeds, and the experiment's {@link io.github.bilevel.bsgm.rates.PassRule}, fixed in
 * advance, compares the interval with the theory. {@link io.github.bilevel.bsgm.rates.RateReport}
 * writes the table and the JSON record, {@link io.github.bilevel.bsgm.rates.RatePlots} the PNG
 * and SVG plots.
 */
package io.github.bilevel.bsgm.rates;
