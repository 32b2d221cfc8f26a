package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The legend of the run plots: one seed is not a median. */
class RunPlotsTest {

  @Test
  void oneSeedIsSaidSoAndSeveralAreAMedian() {
    assertEquals("bsgm (1 seed)", RunPlots.seriesName("bsgm", 1));
    assertEquals("mrbo (median of 3 seeds)", RunPlots.seriesName("mrbo", 3));
  }
}
