package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.problems.RegularizationSelection;
import io.github.bilevel.bsgm.problems.SimulatedLevel;
import io.github.bilevel.bsgm.problems.SimulatedQuadratic;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workloads of benchopt's problems: instances from files, starts, exact metrics, every
 * algorithm.
 */
class BenchoptWorkloadsTest {

  private final Backend backend = Backends.byName("simd");

  @TempDir
  Path directory;

  private static final Map<String, String> SMALL_SIMULATED = Map.of("n_samples_inner", "16",
      "n_samples_outer", "12", "dim_inner", "6", "dim_outer", "4");

  @Test
  void simulatedReadsBenchoptsArraysAndReportsTheExactHypergradientFromItsStart()
      throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    SimulatedLevel inner = SimulatedLevel.generate(16, 6, 4, 1, 1, 0.1, 0.1, random);
    SimulatedLevel outer = SimulatedLevel.generate(12, 6, 4, 1, 1, 0.1, 0.1, random);
    inner.write(directory, "inner");
    outer.write(directory, "outer");
    try (Workload workload = Workloads.byName("simulated").create(backend,
            Map.of("instance", directory.toString()), 0);
        SimulatedQuadratic reference = new SimulatedQuadratic(backend, inner, outer, 1.0);
        Arena arena = Arena.ofConfined()) {
      DVector lambda = backend.vector(arena, 4);
      workload.initialLambda(lambda);
      for (double x : lambda.toArray()) {
        assertEquals(-2.0, x, 0.0, "benchopt's outer_var0 = -2");
      }
      double[] gradient = reference.exactHypergradient(lambda.toArray());
      double norm = Math.sqrt(gradient[0] * gradient[0] + gradient[1] * gradient[1]
          + gradient[2] * gradient[2] + gradient[3] * gradient[3]);
      Map<String, Double> metrics = workload.evaluate(lambda, false);
      assertEquals(norm, metrics.get("stationarity"), 1e-12);
      assertEquals(reference.exactValue(lambda.toArray()), metrics.get("ul_objective"), 1e-12);
      assertEquals(16, workload.configuration().get("n_samples_inner"));
    }
  }

  @Test
  void simulatedRefusesAnInstanceWithAMissingFileNamingIt() throws IOException {
    SimulatedLevel.generate(16, 6, 4, 1, 1, 0.1, 0.1, new SplittableRandom(2))
        .write(directory, "inner");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> Workloads.byName("simulated").create(backend,
            Map.of("instance", directory.toString()), 0));
    assertTrue(e.getMessage().contains("hess_outer_inner.npy")
        && e.getMessage().contains("instance="), e.getMessage());
  }

  @Test
  void regularizationReadsNpyDataWithZeroOneLabels() throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    int p = 4;
    double[] x = random.doubles(60 * p, -1, 1).toArray();
    double[] xv = random.doubles(30 * p, -1, 1).toArray();
    double[] y = new double[60];
    double[] yv = new double[30];
    for (int i = 0; i < 60; i++) {
      y[i] = x[i * p] + 0.5 * x[i * p + 1] > 0 ? 1 : 0;
    }
    for (int i = 0; i < 30; i++) {
      yv[i] = xv[i * p] + 0.5 * xv[i * p + 1] > 0 ? 1 : 0;
    }
    Npy.writeMatrix(directory.resolve("train-x.npy"), x, 60, p);
    Npy.writeVector(directory.resolve("train-y.npy"), y);
    Npy.writeMatrix(directory.resolve("val-x.npy"), xv, 30, p);
    Npy.writeVector(directory.resolve("val-y.npy"), yv);
    Map<String, String> files = Map.of("train_x", directory.resolve("train-x.npy").toString(),
        "train_y", directory.resolve("train-y.npy").toString(),
        "val_x", directory.resolve("val-x.npy").toString(),
        "val_y", directory.resolve("val-y.npy").toString());
    try (Workload workload = Workloads.byName("regularization").create(backend, files, 5);
        RegularizationSelection reference = new RegularizationSelection(backend, x, y, xv, yv,
            p, -6, 2);
        Arena arena = Arena.ofConfined()) {
      DVector lambda = backend.vector(arena, p);
      workload.initialLambda(lambda);
      for (double l : lambda.toArray()) {
        assertTrue(l <= 0 && l >= -6, "log u clipped to the box: " + l);
      }
      Map<String, Double> metrics = workload.evaluate(lambda, true);
      double[] gradient = reference.exactHypergradient(lambda.toArray());
      double norm = 0;
      for (double g : gradient) {
        norm += g * g;
      }
      assertEquals(Math.sqrt(norm), metrics.get("stationarity"), 1e-12);
      assertEquals(reference.validationLoss(reference.exactLowerSolution(lambda.toArray())),
          metrics.get("ul_objective"), 1e-12);
      assertTrue(metrics.get("val_accuracy") > 0.7, "separable data: " + metrics);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Workloads.byName("regularization").create(backend,
            Map.of("train_x", files.get("train_x")), 0));
    assertTrue(e.getMessage().contains("missing: train_y, val_x, val_y"), e.getMessage());
    Files.writeString(directory.resolve("bad-y.npy"), "not npy");
    UncheckedIOException bad = assertThrows(UncheckedIOException.class,
        () -> Workloads.byName("regularization").create(backend, Map.of("train_x",
            files.get("train_x"), "train_y", directory.resolve("bad-y.npy").toString(),
            "val_x", files.get("val_x"), "val_y", files.get("val_y")), 0));
    assertTrue(bad.getMessage().contains("bad-y.npy"), bad.getMessage());
  }

  /**
   * {@code -o km_step} replaces the default constant KM step {@code min(1, 1/L̂)}: StocBiO's
   * iterations differ, and a step outside {@code [0, 1]} is refused naming the option.
   */
  @Test
  void simulatedKmStepReplacesTheDefaultConstantStep() {
    Map<String, String> given = new java.util.HashMap<>(SMALL_SIMULATED);
    given.put("km_step", "0.5");
    double[][] lambdas = new double[2][];
    int i = 0;
    for (Map<String, String> options : List.of(SMALL_SIMULATED, given)) {
      try (Workload workload = Workloads.byName("simulated").create(backend, options, 0);
          Arena arena = Arena.ofConfined()) {
        DVector lambda = backend.vector(arena, workload.upperDimension());
        workload.initialLambda(lambda);
        runTwice(workload.method("stocbio", MethodOverrides.NONE), lambda);
        lambdas[i++] = lambda.toArray();
        Object step = workload.configuration().get("km_step");
        if (options == given) {
          assertEquals(0.5, step);
        } else {
          assertTrue((double) step > 0 && (double) step <= 1 && (double) step != 0.5, "" + step);
        }
      }
    }
    assertFalse(java.util.Arrays.equals(lambdas[0], lambdas[1]), "km_step changes StocBiO");
    given.put("km_step", "1.5");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Workloads.byName("simulated").create(backend, given, 0));
    assertTrue(e.getMessage().contains("km_step"), e.getMessage());
  }

  /** Every registered algorithm makes two iterations on both workloads with finite λ. */
  @Test
  void everyAlgorithmRunsOnBothWorkloads() {
    Map<String, Map<String, String>> workloads = Map.of("simulated", SMALL_SIMULATED,
        "regularization", Map.of("n_train", "80", "n_val", "40", "features", "5"));
    workloads.forEach((name, options) -> {
      WorkloadFactory factory = Workloads.byName(name);
      try (Workload workload = factory.create(backend, options, 0);
          Arena arena = Arena.ofConfined()) {
        for (String algorithm : factory.algorithms()) {
          DVector lambda = backend.vector(arena, workload.upperDimension());
          workload.initialLambda(lambda);
          runTwice(workload.method(algorithm, MethodOverrides.NONE), lambda);
          for (double l : lambda.toArray()) {
            assertTrue(Double.isFinite(l), name + " " + algorithm);
          }
          assertTrue(Double.isFinite(workload.evaluate(lambda, false).get("stationarity")));
        }
      }
    });
  }

  private static <S extends AlgorithmState> void runTwice(UpperLevelMethod<S> method,
      DVector lambda) {
    try (method) {
      S state = method.init(lambda);
      SplittableRandom random = new SplittableRandom(7);
      method.iterate(state, lambda, random);
      method.iterate(state, lambda, random);
    }
  }
}
