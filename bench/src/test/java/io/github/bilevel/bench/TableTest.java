package io.github.bilevel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table printer: unit conversions, rates, ratios, and rendering of a JMH JSON file. */
class TableTest {

  @Test
  void convertsScoreUnitsToNanosPerOp() {
    assertEquals(5.0, Table.toNanos(5, "ns/op"));
    assertEquals(5e3, Table.toNanos(5, "us/op"));
    assertEquals(5e6, Table.toNanos(5, "ms/op"));
    assertEquals(5e9, Table.toNanos(5, "s/op"));
    assertEquals(0.5, Table.toNanos(2, "ops/ns"));
    assertEquals(1e6, Table.toNanos(1e3, "ops/s"));
    assertThrows(IllegalArgumentException.class, () -> Table.toNanos(1, "furlongs"));
  }

  @Test
  void ratesFollowTheNominalTrafficAndFlops() {
    // dot reads 2n doubles: 16 000 bytes in 1000 ns is 16 GB/s.
    assertEquals(16.0, Table.rate("Blas1Bench", "dot", 1000).orElseThrow().of(1000), 1e-12);
    assertEquals(24.0, Table.rate("Blas1Bench", "kmStep", 1000).orElseThrow().of(1000), 1e-12);
    assertEquals(8.0, Table.rate("Blas1Bench", "nrm2", 1000).orElseThrow().of(1000), 1e-12);
    // gemv: 8 (n² + 2n) bytes.
    assertEquals(8.0 * (100 + 20), Table.rate("Blas2Bench", "gemvT", 10).orElseThrow().of(1),
        1e-9);
    // gemm: 2n³ flops; 2e9 flops in 1 s = 2 GFLOP/s.
    Table.Rate gemm = Table.rate("Blas3Bench", "gemm", 1000).orElseThrow();
    assertEquals("GFLOP/s", gemm.unit());
    assertEquals(2.0, gemm.of(1e9), 1e-12);
    // projections: elements per µs = Melem/s.
    assertEquals(1000.0, Table.rate("ProjectionBench", "ball", 1000).orElseThrow().of(1000),
        1e-9);
    assertTrue(Table.rate("SomethingElse", "dot", 10).isEmpty());
    // non-square gemm: 2mnk flops, m or k "0" standing for n
    assertEquals(2.0 * 600 * 200 * 784,
        Table.gemmRate("Blas3Bench", "gemm", 200, "600", "784").orElseThrow().of(1), 1e-3);
    assertEquals(2.0 * 600 * 200 * 200,
        Table.gemmRate("Blas3Bench", "gemm", 200, "600", "0").orElseThrow().of(1), 1e-3);
    assertTrue(Table.gemmRate("Blas2Bench", "gemv", 200, "600", "0").isEmpty());
  }

  @Test
  void formatsTimesInAReadableUnit() {
    assertEquals("812 ns", Table.time(812));
    assertEquals("1.50 µs", Table.time(1500));
    assertEquals("25.0 ms", Table.time(25e6));
    assertEquals("3.00 s", Table.time(3e9));
  }

  private static String run(String benchmark, String impl, int n, double score, double error) {
    return run(benchmark, impl, n, score, error, score);
  }

  private static String run(String benchmark, String impl, int n, double score, double error,
      double median) {
    return """
        {"jmhVersion":"1.37","benchmark":"io.github.bilevel.bench.%s","mode":"avgt",
         "threads":1,"forks":1,"jdkVersion":"25","vmName":"VM","vmVersion":"25",
         "warmupIterations":3,"warmupTime":"1 s","measurementIterations":5,
         "measurementTime":"1 s","params":{"impl":"%s","n":"%d"},
         "primaryMetric":{"score":%s,"scoreError":%s,"scorePercentiles":{"50.0":%s},
         "scoreUnit":"ns/op","rawData":[[1.0]]},"secondaryMetrics":{}}"""
        .formatted(benchmark, impl, n, score, error, median);
  }

  @Test
  void rendersOneRowPerOpAndSizeWithRatios(@TempDir Path dir) throws IOException {
    String json = "[" + String.join(",", List.of(
        run("Blas1Bench.dot", "simd", 100003, 1000, 10),
        run("Blas1Bench.dot", "netlib", 100003, 3000, 30),
        run("Blas1Bench.dot", "scalar", 1000, 800, 8),
        run("Blas1Bench.dot", "simd", 1000, 100, 1),
        run("Blas1Bench.dot", "openblas", 1000, 50, 0.5),
        run("Blas3Bench.gemm", "simd", 255, 1e7, 1e5))) + "]";
    Path file = dir.resolve("r.json");
    Files.writeString(file, json);
    String text = Table.render(file, false);
    List<String> rows = text.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| -")).toList();
    assertEquals(1 + 3, rows.size(), text); // header + 3 rows
    // Sizes ascending within an op; the benchmark order of the file.
    assertTrue(rows.get(1).startsWith("| dot ") && rows.get(1).contains(" 1000 |"), text);
    assertTrue(rows.get(2).contains(" 100003 |"), text);
    assertTrue(rows.get(3).startsWith("| gemm"), text);
    // n = 1000: simd 100 ns, openblas 50 ns => simd/openblas 0.50x; netlib missing.
    assertTrue(rows.get(1).contains("0.50×"), rows.get(1));
    assertTrue(rows.get(1).contains("100 ns ±1.0% · 160 GB/s"), rows.get(1));
    assertTrue(rows.get(1).trim().endsWith("n/a |"), rows.get(1));
    // n = 100003: netlib 3x slower than simd.
    assertTrue(rows.get(2).contains("3.00×"), rows.get(2));
    // gemm: 2 * 255³ flops in 10 ms = 3.32 GFLOP/s.
    assertTrue(rows.get(3).contains("3.32 GFLOP/s"), rows.get(3));
  }

  @Test
  void cellsAndRatiosUseTheMedian(@TempDir Path dir) throws IOException {
    String json = "[" + String.join(",", List.of(
        run("Blas1Bench.dot", "simd", 1000, 150, 60, 100),
        run("Blas1Bench.dot", "openblas", 1000, 200, 10, 300))) + "]";
    Path file = dir.resolve("r.json");
    Files.writeString(file, json);
    String row = Table.render(file, false).lines()
        .filter(l -> l.startsWith("| dot")).findFirst().orElseThrow();
    assertTrue(row.contains("100 ns ±40%"), row); // median 100, error 60 of a mean of 150
    assertTrue(row.contains("3.00×"), row);       // 300 / 100, not 200 / 150
  }

  @Test
  void aMissingErrorEstimateIsLeftOut(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("r.json");
    Files.writeString(file, "[" + run("Blas1Bench.nrm2", "simd", 1000, 500, 0)
        .replace("\"scoreError\":0.0", "\"scoreError\":\"NaN\"") + "]");
    String text = Table.render(file, false);
    assertTrue(text.contains("| 500 ns · 16.0 GB/s |"), text);
  }
}
