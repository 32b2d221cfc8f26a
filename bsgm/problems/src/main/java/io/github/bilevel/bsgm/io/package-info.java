/**
 * File formats: NumPy {@code .npy} arrays ({@link io.github.bilevel.bsgm.io.Npy}), read with
 * checks that name the file and what is wrong with it, written atomically.
 */
package io.github.bilevel.bsgm.io;
