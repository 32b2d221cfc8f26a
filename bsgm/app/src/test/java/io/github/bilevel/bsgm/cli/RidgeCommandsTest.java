package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.io.NpyTestFiles;
import io.github.bilevel.kernels.ScalarBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ridge commands end to end through {@link Main#run(PrintWriter, PrintWriter, String...)}
 * with .npy files made here: agreement of full-batch SID with the exact hypergradient,
 * reproducibility, BSGM's stationarity, and every kind of bad input giving a non-zero status,
 * a message naming the problem, and no stack trace (unless --verbose).
 */
class RidgeCommandsTest {

  private static final int N = 200;
  private static final int NV = 100;
  private static final int P = 5;

  @TempDir
  Path dir;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(status, out.toString(), err.toString());
  }

  /** Gaussian features, y = X w + 0.3 ε, λ = 0.5 in Λ = [0.1, 1]: well conditioned. */
  @BeforeEach
  void writeProblem() throws IOException {
    SplittableRandom random = new SplittableRandom(17);
    double[] w = random.doubles(P, -1, 1).toArray();
    double[][] train = rows(random, N, w);
    double[][] validation = rows(random, NV, w);
    Npy.writeMatrix(dir.resolve("x.npy"), train[0], N, P);
    Npy.writeVector(dir.resolve("y.npy"), train[1]);
    Npy.writeMatrix(dir.resolve("xv.npy"), validation[0], NV, P);
    Npy.writeVector(dir.resolve("yv.npy"), validation[1]);
    double[] lambda = new double[P];
    Arrays.fill(lambda, 0.5);
    Npy.writeVector(dir.resolve("lambda.npy"), lambda);
  }

  private static double[][] rows(SplittableRandom random, int rows, double[] w) {
    double[] x = new double[rows * P];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < P; j++) {
        x[i * P + j] = random.nextGaussian();
        y[i] += x[i * P + j] * w[j];
      }
      y[i] += 0.3 * random.nextGaussian();
    }
    return new double[][] {x, y};
  }

  /** The data options, with {@code replacements} as name=file pairs overriding the files. */
  private List<String> data(String... replacements) {
    List<String> args = new ArrayList<>(List.of(
        "--train-x", dir.resolve("x.npy").toString(),
        "--train-y", dir.resolve("y.npy").toString(),
        "--val-x", dir.resolve("xv.npy").toString(),
        "--val-y", dir.resolve("yv.npy").toString(),
        "--lambda", dir.resolve("lambda.npy").toString(),
        "--lambda-min", "0.1", "--lambda-max", "1"));
    for (String r : replacements) {
      String[] parts = r.split("=", 2);
      args.set(args.indexOf(parts[0]) + 1, parts[1]);
    }
    return args;
  }

  private static String[] args(String command, List<String> data, String... more) {
    List<String> all = new ArrayList<>(List.of(command.split(" ")));
    all.addAll(data);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static double relativeError(double[] estimate, double[] exact) {
    double error = 0;
    double norm = 0;
    for (int i = 0; i < exact.length; i++) {
      error += (estimate[i] - exact[i]) * (estimate[i] - exact[i]);
      norm += exact[i] * exact[i];
    }
    return Math.sqrt(error / norm);
  }

  @Test
  void fullBatchSidAgreesWithTheExactHypergradient() throws IOException {
    Path sid = dir.resolve("sid.npy");
    Path exact = dir.resolve("exact.npy");
    Result a = run(args("hypergrad ridge", data(), "--full-batch", "--t", "3000", "--k", "3000",
        "--step", "1", "--out", sid.toString()));
    assertEquals(0, a.status(), a.err());
    Result b = run(args("hypergrad ridge", data(), "--exact", "--out", exact.toString()));
    assertEquals(0, b.status(), b.err());
    double[] h = Npy.readVector(sid);
    double[] reference = Npy.readVector(exact);
    assertEquals(P, h.length);
    double error = relativeError(h, reference);
    assertTrue(error < 1e-8, "relative error " + error);
    assertTrue(a.out().contains("‖ĥ‖") && a.out().contains("samples used: " + (6001L * N + NV)),
        a.out());
    assertTrue(a.out().contains("q = ") && a.out().contains("full batch"), a.out());
    assertEquals("", a.err(), "no warnings for a full batch");
  }

  @Test
  void threadsSetTheCpuKernelsAndLeaveTheSimdResultUnchanged() throws IOException {
    byte[][] outputs = new byte[2][];
    for (int threads = 1; threads <= 2; threads++) {
      Path out = dir.resolve("threads" + threads + ".npy");
      Result r = run(args("hypergrad ridge", data(), "--full-batch", "--t", "50", "--k", "50",
          "--backend", "simd", "--threads", String.valueOf(threads), "--out", out.toString()));
      assertEquals(0, r.status(), r.err());
      outputs[threads - 1] = Files.readAllBytes(out);
    }
    assertArrayEquals(outputs[0], outputs[1]);
    Result scalar = run(args("hypergrad ridge", data(), "--full-batch", "--t", "5", "--k", "5",
        "--backend", "scalar", "--threads", "2", "--out", dir.resolve("s.npy").toString()));
    assertNotEquals(0, scalar.status());
    assertTrue(scalar.err().contains("the scalar backend has no CPU kernel threads"),
        scalar.err());
    Result zero = run(args("hypergrad ridge", data(), "--full-batch", "--t", "5", "--k", "5",
        "--threads", "0", "--out", dir.resolve("z.npy").toString()));
    assertNotEquals(0, zero.status());
    assertTrue(zero.err().contains("--threads must be >= 1, got 0"), zero.err());
  }

  @Test
  void miniBatchRunsRepeatWithTheSeedAndDifferWithAnother() throws IOException {
    String[] common = {"--t", "300", "--k", "300", "--batch", "20", "--ll-batch", "2"};
    byte[][] outputs = new byte[3][];
    long[] seeds = {5, 5, 6};
    for (int i = 0; i < 3; i++) {
      Path out = dir.resolve("h" + i + ".npy");
      List<String> more = new ArrayList<>(List.of(common));
      more.addAll(List.of("--seed", String.valueOf(seeds[i]), "--out", out.toString()));
      Result r = run(args("hypergrad ridge", data(), more.toArray(String[]::new)));
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().contains("samples used: " + ((300 + 300) * 2 + 2 * 20)), r.out());
      outputs[i] = Files.readAllBytes(out);
    }
    assertArrayEquals(outputs[0], outputs[1]);
    assertFalse(Arrays.equals(outputs[0], outputs[2]));
  }

  @Test
  void solveWritesJsonWithStationarityFarBelowTheStart() throws IOException {
    Path json = dir.resolve("run.json");
    Path lambda = dir.resolve("final.npy");
    Result r = run(args("solve ridge", data(), "--iterations", "60", "--alpha", "3",
        "--schedule", "fixed", "--t", "200", "--k", "200", "--batch", "1", "--full-batch",
        "--json", json.toString(), "--out", lambda.toString()));
    assertEquals(0, r.status(), r.err());
    JsonObject document = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    JsonObject result = document.getAsJsonObject("result");
    double initial = result.get("initial_stationarity").getAsDouble();
    double last = result.get("final_stationarity").getAsDouble();
    assertTrue(last < 1e-2 * initial, "‖G_α‖ from " + initial + " to " + last);
    assertEquals(60, result.get("iterations").getAsInt());
    JsonArray trace = document.getAsJsonArray("trace");
    assertEquals(60, trace.size());
    JsonObject first = trace.get(0).getAsJsonObject();
    for (String key : List.of("iteration", "samples", "upper_objective", "hypergradient_norm",
        "gradient_mapping_norm", "seconds")) {
      assertTrue(first.has(key), key);
    }
    assertEquals(initial, first.get("gradient_mapping_norm").getAsDouble());
    assertEquals(60L * (401 * N + NV), result.get("samples").getAsLong());
    JsonArray finalLambda = result.getAsJsonArray("final_lambda");
    double[] written = Npy.readVector(lambda);
    assertEquals(P, finalLambda.size());
    // reference: projected gradient descent with the exact hypergradient (dense solves)
    double[] reference = new double[P];
    Arrays.fill(reference, 0.5);
    try (PerFeatureRidge ridge = new PerFeatureRidge(new ScalarBackend(),
        Npy.readMatrix(dir.resolve("x.npy")).values(), Npy.readVector(dir.resolve("y.npy")),
        Npy.readMatrix(dir.resolve("xv.npy")).values(), Npy.readVector(dir.resolve("yv.npy")),
        P, 0.1, 1)) {
      for (int s = 0; s < 60; s++) {
        double[] gradient = ridge.exactHypergradient(reference);
        for (int j = 0; j < P; j++) {
          reference[j] = Math.min(1, Math.max(0.1, reference[j] - 3 * gradient[j]));
        }
      }
    }
    for (int j = 0; j < P; j++) {
      double value = finalLambda.get(j).getAsDouble();
      assertEquals(value, written[j]);
      assertTrue(value >= 0.1 && value <= 1, "λ in Λ");
      assertEquals(reference[j], value, 1e-8, "λ[" + j + "] against exact gradient descent");
    }
    assertEquals("fixed", document.getAsJsonObject("configuration").get("schedule")
        .getAsString());
  }

  @Test
  void stochasticSolveCountsTheSamplesOfTheHorizonSchedule() throws IOException {
    Path json = dir.resolve("run.json");
    Result r = run(args("solve ridge", data(), "--iterations", "5", "--alpha", "0.1",
        "--schedule", "thm16-horizon", "--horizon", "30", "--seed", "3", "--json",
        json.toString()));
    assertEquals(0, r.status(), r.err());
    JsonObject result = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
        .getAsJsonObject("result");
    assertEquals(5L * (30 + 30 + 2 * 30), result.get("samples").getAsLong());
    Result budget = run(args("solve ridge", data(), "--iterations", "5", "--alpha", "0.1",
        "--schedule", "thm16-horizon", "--horizon", "30", "--seed", "3", "--sample-budget",
        "200", "--json", json.toString()));
    assertEquals(0, budget.status(), budget.err());
    JsonObject stopped = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
        .getAsJsonObject("result");
    assertEquals("sample budget", stopped.get("stopped_because").getAsString());
    assertEquals(2, stopped.get("iterations").getAsInt());
  }

  @Test
  void generatedDataRunThroughTheOtherCommands() throws IOException {
    Path out = dir.resolve("generated");
    Result g = run("generate", "ridge", "--n", "120", "--nv", "60", "--p", "8", "--noise",
        "0.2", "--seed", "4", "--out", out.toString());
    assertEquals(0, g.status(), g.err());
    assertArrayEquals(new int[] {120, 8}, Npy.readMatrix(out.resolve("train-x.npy")).shape());
    assertArrayEquals(new int[] {60, 8}, Npy.readMatrix(out.resolve("val-x.npy")).shape());
    assertEquals(120, Npy.readVector(out.resolve("train-y.npy")).length);
    assertEquals(60, Npy.readVector(out.resolve("val-y.npy")).length);
    assertEquals(8, Npy.readVector(out.resolve("lambda.npy")).length);
    double[] w = Npy.readVector(out.resolve("true-w.npy"));
    assertEquals(2, Arrays.stream(w).filter(v -> v != 0).count(), "a sparse true w");
    Result again = run("generate", "ridge", "--n", "120", "--nv", "60", "--p", "8", "--noise",
        "0.2", "--seed", "4", "--out", dir.resolve("again").toString());
    assertEquals(0, again.status());
    assertArrayEquals(Files.readAllBytes(out.resolve("train-y.npy")),
        Files.readAllBytes(dir.resolve("again/train-y.npy")), "the seed fixes the data");
    Result h = run("hypergrad", "ridge", "--train-x", out.resolve("train-x.npy").toString(),
        "--train-y", out.resolve("train-y.npy").toString(), "--val-x",
        out.resolve("val-x.npy").toString(), "--val-y", out.resolve("val-y.npy").toString(),
        "--lambda", out.resolve("lambda.npy").toString(), "--exact", "--out",
        out.resolve("h.npy").toString());
    assertEquals(0, h.status(), h.err());
    assertEquals(8, Npy.readVector(out.resolve("h.npy")).length);
  }

  // ---- bad input: a non-zero status, a message naming the problem, no stack trace ----

  private Result assertFails(String[] args, String... parts) {
    Result r = run(args);
    assertNotEquals(0, r.status(), "status; stderr: " + r.err());
    assertTrue(r.err().contains("error: "), r.err());
    for (String part : parts) {
      assertTrue(r.err().contains(part), "stderr names '" + part + "': " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(dir.resolve("h.npy")), "no output written");
    return r;
  }

  private String[] hypergrad(List<String> data, String... more) {
    List<String> all = new ArrayList<>(List.of(more));
    if (!all.contains("--out")) {
      all.addAll(List.of("--out", dir.resolve("h.npy").toString()));
    }
    return args("hypergrad ridge", data, all.toArray(String[]::new));
  }

  private Path writeRaw(String name, String descr, String shape, byte[] data) throws IOException {
    Path path = dir.resolve(name);
    Files.write(path, NpyTestFiles.npy(descr, shape, data));
    return path;
  }

  @Test
  void shapeMismatchesAreNamed() throws IOException {
    Npy.writeVector(dir.resolve("short-y.npy"), new double[N - 1]);
    assertFails(hypergrad(data("--train-y=" + dir.resolve("short-y.npy")), "--exact"),
        "shape mismatch", "--train-y", "short-y.npy", "199", "200 rows");
    Npy.writeMatrix(dir.resolve("wide-xv.npy"), new double[NV * (P + 1)], NV, P + 1);
    assertFails(hypergrad(data("--val-x=" + dir.resolve("wide-xv.npy")), "--exact"),
        "--val-x", "wide-xv.npy", "6 features", "--train-x");
    Npy.writeVector(dir.resolve("long-lambda.npy"), new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
    assertFails(hypergrad(data("--lambda=" + dir.resolve("long-lambda.npy")), "--exact"),
        "--lambda", "long-lambda.npy", "6 values", "p = 5");
  }

  @Test
  void nonFiniteDataAreNamedWithTheirIndex() throws IOException {
    Npy.Array x = Npy.readMatrix(dir.resolve("x.npy"));
    double[] values = x.values().clone();
    values[3 * P + 2] = Double.NaN;
    Npy.writeMatrix(dir.resolve("nan-x.npy"), values, N, P);
    assertFails(hypergrad(data("--train-x=" + dir.resolve("nan-x.npy")), "--exact"),
        "nan-x.npy", "NaN", "row 3, column 2");
    double[] yv = Npy.readVector(dir.resolve("yv.npy"));
    yv[7] = Double.POSITIVE_INFINITY;
    Npy.writeVector(dir.resolve("inf-yv.npy"), yv);
    assertFails(hypergrad(data("--val-y=" + dir.resolve("inf-yv.npy")), "--exact"),
        "inf-yv.npy", "Infinity", "index 7");
  }

  @Test
  void lambdaOutsideTheBoxIsNamedNotProjected() throws IOException {
    Npy.writeVector(dir.resolve("out-lambda.npy"), new double[] {0.5, 0.5, 1.5, 0.05, 0.5});
    assertFails(hypergrad(data("--lambda=" + dir.resolve("out-lambda.npy")), "--exact"),
        "λ[2] = 1.5", "outside Λ = [0.1, 1.0]");
    assertFails(hypergrad(data("--lambda-min=0"), "--exact"), "--lambda-min");
    assertFails(hypergrad(data("--lambda-max=0.05"), "--exact"), "--lambda-max");
  }

  @Test
  void badFilesAreNamed() throws IOException {
    byte[] longs = ByteBuffer.allocate(8 * N).order(ByteOrder.LITTLE_ENDIAN).array();
    Path ints = writeRaw("int-y.npy", "<i8", "(" + N + ",)", longs);
    assertFails(hypergrad(data("--train-y=" + ints), "--exact"), "--train-y", "int-y.npy",
        "int64", "float64");
    Npy.writeMatrix(dir.resolve("matrix-y.npy"), new double[N], N, 1);
    assertFails(hypergrad(data("--train-y=" + dir.resolve("matrix-y.npy")), "--exact"),
        "matrix-y.npy", "(200, 1)", "rank 2", "1-D");
    Npy.writeVector(dir.resolve("vector-x.npy"), new double[N * P]);
    assertFails(hypergrad(data("--train-x=" + dir.resolve("vector-x.npy")), "--exact"),
        "vector-x.npy", "rank 1", "2-D");
    byte[] whole = Files.readAllBytes(dir.resolve("x.npy"));
    Path truncated = dir.resolve("truncated-x.npy");
    Files.write(truncated, Arrays.copyOf(whole, whole.length - 100));
    assertFails(hypergrad(data("--train-x=" + truncated), "--exact"), "truncated-x.npy",
        "truncated");
    Path missing = dir.resolve("missing.npy");
    assertFails(hypergrad(data("--val-x=" + missing), "--exact"), "--val-x", "missing.npy",
        "no such file");
    Path text = dir.resolve("text.npy");
    Files.writeString(text, "1,2,3\n", StandardCharsets.US_ASCII);
    assertFails(hypergrad(data("--lambda=" + text), "--exact"), "text.npy", "not a .npy file");
  }

  @Test
  void badOptionValuesAreNamed() {
    assertFails(hypergrad(data(), "--t", "-1", "--k", "10", "--full-batch"), "--t", ">= 0");
    assertFails(hypergrad(data(), "--t", "10", "--k", "10", "--full-batch", "--step", "1.5"),
        "--step must lie in (0, 1]", "1.5");
    assertFails(hypergrad(data(), "--t", "10", "--k", "10", "--full-batch", "--beta", "2",
        "--gamma", "1"), "--beta/--gamma = 2.0 > 1");
    assertFails(hypergrad(data(), "--t", "10", "--k", "10", "--full-batch", "--beta", "2"),
        "--beta and --gamma go together");
    assertFails(hypergrad(data(), "--t", "10", "--k", "10", "--batch", "0", "--seed", "1"),
        "--batch", ">= 1");
    assertFails(hypergrad(data(), "--t", "10", "--k", "10", "--batch", "5"), "--seed");
    assertFails(hypergrad(data(), "--t", "10", "--k", "10", "--full-batch", "--map-step", "5"),
        "not a contraction", "2/L");
    assertFails(hypergrad(data(), "--exact", "--backend", "nonesuch"), "nonesuch");
    assertFails(args("solve ridge", data(), "--iterations", "3", "--alpha", "-1", "--schedule",
        "thm17", "--json", dir.resolve("j.json").toString()), "--alpha");
    assertFails(args("solve ridge", data(), "--iterations", "3", "--alpha", "1", "--schedule",
        "thm18", "--json", dir.resolve("j.json").toString()), "--schedule", "thm18");
    assertFails(args("solve ridge", data(), "--iterations", "3", "--alpha", "1", "--schedule",
        "thm16-horizon", "--seed", "1", "--json", dir.resolve("j.json").toString()),
        "--horizon");
    assertFails(new String[] {"generate", "ridge", "--n", "0", "--seed", "1", "--out",
        dir.resolve("g").toString()}, "--n");
  }

  @Test
  void parameterErrorsGivePicocliMessagesAndAHint() {
    Result r = run(hypergrad(data(), "--t", "abc", "--k", "10", "--full-batch"));
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--t") && r.err().contains("abc"), r.err());
    assertTrue(r.err().contains("Try 'bsgm hypergrad --help'"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    Result unknown = run(hypergrad(data(), "--exact", "--frobnicate"));
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("Unknown option") && unknown.err().contains(
        "--frobnicate"), unknown.err());
    Result missing = run("hypergrad", "ridge", "--exact");
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("Missing required option"), missing.err());
    Result noProblem = run("hypergrad");
    assertEquals(2, noProblem.status());
    assertTrue(noProblem.err().contains("Missing required") && noProblem.err().contains(
        "PROBLEM"), noProblem.err());
  }

  @Test
  void theProblemIsAParameterThatOnlyTakesKnownProblems() {
    for (String command : new String[] {"generate", "hypergrad", "solve"}) {
      Result r = run(command, "lasso", "--help");
      assertEquals(2, r.status(), command + ": " + r.err());
      assertTrue(r.err().contains("PROBLEM") && r.err().contains("lasso")
          && r.err().contains("[ridge]"), command + ": " + r.err());
      assertTrue(r.err().contains("Try 'bsgm " + command + " --help'"), r.err());
    }
    // the problem may also come after the options, as any positional parameter
    Result after = run("generate", "--n", "10", "--nv", "5", "--p", "2", "--seed", "1",
        "--out", dir.resolve("after").toString(), "ridge");
    assertEquals(0, after.status(), after.err());
    assertTrue(Files.exists(dir.resolve("after/train-x.npy")));
  }

  @Test
  void verboseShowsTheStackTrace() {
    String missing = "--val-x=" + dir.resolve("missing.npy");
    Result after = run(hypergrad(data(missing), "--exact", "--verbose"));
    assertEquals(1, after.status());
    assertTrue(after.err().startsWith("error: --val-x: cannot read"), after.err());
    assertTrue(after.err().contains("NpyException") && after.err().contains("\tat "),
        after.err());
    List<String> before = new ArrayList<>(List.of("--verbose"));
    before.addAll(List.of(hypergrad(data(missing), "--exact")));
    Result global = run(before.toArray(String[]::new));
    assertEquals(1, global.status());
    assertTrue(global.err().contains("\tat "), global.err());
  }

  @Test
  void aStepTooLargeForOneRowWarnsThenTheDivergenceIsAnErrorWithoutStackTrace()
      throws IOException {
    // 40 features: one row's ‖x‖² ≈ 40, so η = 1 expands along it
    int p = 40;
    SplittableRandom random = new SplittableRandom(2);
    double[] w = random.doubles(p, -1, 1).toArray();
    double[] x = new double[N * p];
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < p; j++) {
        x[i * p + j] = random.nextGaussian();
        y[i] += x[i * p + j] * w[j];
      }
    }
    Npy.writeMatrix(dir.resolve("x40.npy"), x, N, p);
    Npy.writeVector(dir.resolve("y40.npy"), y);
    Npy.writeMatrix(dir.resolve("xv40.npy"), Arrays.copyOf(x, NV * p), NV, p);
    Npy.writeVector(dir.resolve("yv40.npy"), Arrays.copyOf(y, NV));
    double[] lambda = new double[p];
    Arrays.fill(lambda, 0.5);
    Npy.writeVector(dir.resolve("l40.npy"), lambda);
    List<String> wide = data("--train-x=" + dir.resolve("x40.npy"),
        "--train-y=" + dir.resolve("y40.npy"), "--val-x=" + dir.resolve("xv40.npy"),
        "--val-y=" + dir.resolve("yv40.npy"), "--lambda=" + dir.resolve("l40.npy"));
    Result r = assertFails(hypergrad(wide, "--t", "3000", "--k", "100", "--batch", "10",
        "--seed", "1", "--step", "1"), "warning: ", "η_0", ">= 2", "SID diverged in the LL");
    assertTrue(r.err().indexOf("warning: ") < r.err().indexOf("error: ") || r.err()
        .startsWith("error: "), r.err());
    Result defaults = run(hypergrad(wide, "--t", "3000", "--k", "100", "--batch", "10",
        "--seed", "1"));
    assertEquals(0, defaults.status(), defaults.err());
    assertEquals("", defaults.err(), "the default steps draw no warning");
    assertTrue(defaults.out().contains("defaults"), defaults.out());
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] command : new String[][] {{"hypergrad", "ridge"}, {"solve", "ridge"},
        {"generate", "ridge"}, {"hypergrad"}, {"solve"}, {"generate"}}) {
      List<String> all = new ArrayList<>(List.of(command));
      all.add("--help");
      Result r = run(all.toArray(String[]::new));
      assertEquals(0, r.status(), r.err());
      // one leaf command per verb, the problem its parameter
      assertTrue(r.out().startsWith("Usage: bsgm " + command[0] + " "), r.out());
      assertTrue(r.out().contains("PROBLEM") && r.out().contains("The problem: ridge."),
          r.out());
      assertTrue(r.out().contains("--verbose"), "the global options are listed: " + r.out());
    }
  }
}
