/**
 * Bilevel problems whose lower level is the fixed point of a contraction, and the algorithms
 * on top of the kernels: the stochastic Krasnoselskii–Mann solvers, SID (stochastic implicit
 * differentiation), BSGM, the warm-start baselines, MRBO and VRBO. Populated by later work; the
 * module exists so the layout is final.
 */
package io.github.bilevel.bsgm;
