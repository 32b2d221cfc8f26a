package io.github.bilevel.bsgm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The master of {@code run --spark M} under spark-submit (which passes its {@code --master} in
 * the system property {@code spark.master}) and without it.
 */
class SparkSubmitMasterTest {

  @Test
  void submitTakesSparkSubmitsMaster() {
    assertEquals("spark://h:7077", SparkConnection.resolve("submit", "spark://h:7077"));
    assertEquals("local[2]", SparkConnection.resolve("local[2]", "local[2]"));
    assertEquals("local[2]", SparkConnection.resolve("local[2]", null));
  }

  @Test
  void submitWithoutSparkSubmitIsRefusedSayingWhy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkConnection.resolve("submit", null));
    assertTrue(e.getMessage().contains("was not started by spark-submit"), e.getMessage());
  }

  @Test
  void twoDifferentMastersAreRefusedNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkConnection.resolve("local[2]", "spark://h:7077"));
    assertTrue(e.getMessage().contains("spark://h:7077")
        && e.getMessage().contains("--spark local[2]"), e.getMessage());
  }
}
