package io.github.bilevel.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bilevel.bench.PeerWorkloads.Workload;
import io.github.bilevel.bsgm.io.AtomicFiles;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.nativebindings.openblas.OpenBlasBackend;
import io.github.bilevel.nativebindings.openblas.OpenBlasLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our side of the peer comparison ({@code bench/peers/}): exports a workload benchmark's inputs
 * and hypergradient for the NumPy, JAX and PyTorch peers, and times our hypergradient outside
 * JMH with the same protocol as the peers (one process, warm-up excluded, median of the reps).
 *
 * <pre>
 * PeerReference export WORKLOAD DIR [--synthetic] [--SIZE VALUE ...]
 * PeerReference time   WORKLOAD DIR --impl simd|openblas --threads N [--warmup W]
 *                      [--warmup-seconds S] [--reps R]
 * </pre>
 *
 * <p>{@code export} sets the workload up exactly as its JMH benchmark does (images from
 * {@link BenchImages}, the benchmark's sizes unless overridden, its seeds and initial
 * {@code λ}, the simd backend on one thread) and writes into {@code DIR}: the data as
 * {@code .npy} files, {@code lambda.npy}, our hypergradient at that {@code λ} ({@code h.npy}) and
 * {@code settings.json} (sizes and scalars). {@code time} sets the same workload up from
 * {@code DIR/settings.json}, checks that its {@code λ} is the exported one, warms up for at least
 * {@code W} ops and {@code S} seconds (the JIT compiles the hot paths during the first seconds,
 * on the same cores when the process is pinned), then times {@code R} ops (each nudges
 * {@code λ₀} by {@code ±1e-9} first, as the benchmark does) and prints one JSON line. Threads: {@code SimdBackend(N)} for simd; for openblas,
 * OpenBLAS's own count ({@code -Dbilevel.openblas.threads=N}, set here unless given) and
 * {@code -Dbilevel.threads=N} for the kernels it inherits from the SIMD backend.
 */
public final class PeerReference {

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private PeerReference() {}

  /**
   * The command line; exits with status 2 and a message for bad arguments.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) throws IOException {
    try {
      if (args.length < 3) {
        throw new IllegalArgumentException("usage: PeerReference export WORKLOAD DIR"
            + " [--synthetic] [--SIZE VALUE ...] | time WORKLOAD DIR --impl simd|openblas"
            + " --threads N [--warmup W] [--warmup-seconds S] [--reps R]; workloads: "
            + PeerWorkloads.NAMES);
      }
      Path dir = Path.of(args[2]);
      List<String> rest = Arrays.asList(args).subList(3, args.length);
      switch (args[0]) {
        case "export" -> export(args[1], dir, rest);
        case "time" -> {
          Map<String, String> options = options(rest, List.of("impl", "threads", "warmup",
              "warmup_seconds", "reps"));
          String impl = options.getOrDefault("impl", "simd");
          int threads = integer(options.getOrDefault("threads", "1"), "threads");
          int warmup = integer(options.getOrDefault("warmup", "3"), "warmup");
          int reps = integer(options.getOrDefault("reps", "10"), "reps");
          int warmupSeconds = integer(options.getOrDefault("warmup_seconds", "0"),
              "warmup-seconds");
          System.out.println(new Gson().toJson(time(args[1], dir, impl, threads,
              new Protocol(warmup, warmupSeconds, reps))));
        }
        default -> throw new IllegalArgumentException("unknown mode '" + args[0]
            + "'; modes: export, time");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("PeerReference: " + e.getMessage());
      System.exit(2);
    }
  }

  /** {@code --key value} pairs (and the flag {@code --synthetic} as {@code synthetic=true}). */
  static Map<String, String> options(List<String> args, List<String> allowed) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected an option --NAME, got '" + arg + "'");
      }
      String key = arg.substring(2).replace('-', '_');
      if (key.equals("synthetic")) {
        out.put(key, "true");
        continue;
      }
      if (allowed != null && !allowed.contains(key)) {
        throw new IllegalArgumentException("unknown option " + arg + "; allowed: " + allowed);
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("option " + arg + " needs a value");
      }
      out.put(key, args.get(++i));
    }
    return out;
  }

  static int integer(String value, String name) {
    try {
      int v = Integer.parseInt(value);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer >= 0, got '" + value + "'");
    }
  }

  /**
   * Sets the workload up on simd (one thread) with the given size overrides and writes its
   * inputs, {@code λ}, our hypergradient and {@code settings.json} into {@code dir}.
   *
   * @param args {@code --synthetic} (seeded synthetic images instead of Fashion-MNIST) and
   *             {@code --SIZE VALUE} overrides of the benchmark's sizes
   * @return the settings written
   */
  static Map<String, Object> export(String name, Path dir, List<String> args) throws IOException {
    Map<String, String> options = options(args, null);
    boolean synthetic = options.remove("synthetic") != null;
    Workload workload = PeerWorkloads.create(name, "simd", 1, synthetic);
    options.forEach((key, value) -> workload.setSize(key, integer(value, key)));
    workload.setup();
    try {
      Files.createDirectories(dir);
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("workload", name);
      settings.put("source", workload.bench.dataSource);
      settings.put("synthetic", synthetic);
      settings.put("sizes", workload.sizeValues());
      settings.put("nudge", WorkloadBench.NUDGE);
      settings.put("seed", Impls.SEED);
      workload.export(dir, settings);
      PeerWorkloads.writeVector(dir, "lambda.npy", workload.lambda());
      PeerWorkloads.writeVector(dir, "h.npy", workload.hypergradient());
      AtomicFiles.writeString(dir.resolve("settings.json"), GSON.toJson(settings) + "\n");
      return settings;
    } finally {
      workload.tearDown();
    }
  }

  /**
   * The timing protocol (the peers' too).
   *
   * @param warmup        warm-up ops, at least
   * @param warmupSeconds seconds of warm-up, at least
   * @param reps          timed ops
   */
  record Protocol(int warmup, int warmupSeconds, int reps) {}

  /**
   * Times our hypergradient on the workload exported in {@code dir}: warm-up ops (at least
   * {@code warmup} of them and {@code warmupSeconds}), then {@code reps} timed ops.
   *
   * @return the record printed as one JSON line: impl, threads, median and all samples in ms
   * @throws IllegalArgumentException for an implementation other than simd and openblas, a
   *     thread count below 1, no reps, or an OpenBLAS thread property that contradicts
   *     {@code threads}
   * @throws IllegalStateException if the set-up's {@code λ} is not the exported one
   */
  static Map<String, Object> time(String name, Path dir, String impl, int threads,
      Protocol protocol) throws IOException {
    int reps = protocol.reps();
    if (!impl.equals("simd") && !impl.equals("openblas")) {
      throw new IllegalArgumentException("--impl must be simd or openblas, got '" + impl + "'");
    }
    if (threads < 1 || reps < 1) {
      throw new IllegalArgumentException("--threads and --reps must be >= 1, got " + threads
          + " and " + reps);
    }
    Map<String, Object> record = new LinkedHashMap<>();
    if (impl.equals("openblas")) {
      String property = System.getProperty(OpenBlasLibrary.THREADS_PROPERTY);
      if (property != null && !property.equals(Integer.toString(threads))) {
        throw new IllegalArgumentException("-D" + OpenBlasLibrary.THREADS_PROPERTY + "="
            + property + " contradicts --threads " + threads);
      }
      // read when OpenBLAS is first loaded, which is below
      System.setProperty(OpenBlasLibrary.THREADS_PROPERTY, Integer.toString(threads));
    }
    JsonObject settings = JsonParser.parseString(Files.readString(dir.resolve("settings.json"),
        StandardCharsets.UTF_8)).getAsJsonObject();
    if (!settings.get("workload").getAsString().equals(name)) {
      throw new IllegalArgumentException(dir + " holds workload '"
          + settings.get("workload").getAsString() + "', not '" + name + "'");
    }
    // the openblas benchmarks take no SIMD thread count: OpenBLAS has its own, set above
    Workload workload = PeerWorkloads.create(name, impl, impl.equals("simd") ? threads : 1,
        settings.get("synthetic").getAsBoolean());
    settings.getAsJsonObject("sizes").entrySet().forEach(e ->
        workload.setSize(e.getKey(), e.getValue().getAsInt()));
    workload.setup();
    try {
      // simd made the export: the same λ bit for bit; openblas's nrm2 rounds differently where
      // the set-up scales (the meta workload's features and R)
      double difference = relativeDifference(Npy.readVector(dir.resolve("lambda.npy")),
          workload.lambda().toArray());
      if (impl.equals("simd") ? difference != 0 : !(difference <= 1e-12)) {
        throw new IllegalStateException("the set-up's λ differs from " + dir.resolve(
            "lambda.npy") + " by " + difference + " (relative, largest entry): export again");
      }
      long warmupStart = System.nanoTime();
      long warmupNanos = protocol.warmupSeconds() * 1_000_000_000L;
      int warmupOps = 0;
      while (warmupOps < protocol.warmup() || System.nanoTime() - warmupStart < warmupNanos) {
        workload.op();
        warmupOps++;
      }
      double warmupTime = (System.nanoTime() - warmupStart) / 1e9;
      double[] samples = new double[reps];
      for (int i = 0; i < reps; i++) {
        long start = System.nanoTime();
        workload.op();
        samples[i] = (System.nanoTime() - start) / 1e6;
      }
      record.put("impl", impl);
      record.put("workload", name);
      record.put("threads", threads);
      record.put("warmup_ops", warmupOps);
      record.put("warmup_s", warmupTime);
      record.put("reps", reps);
      record.put("median_ms", median(samples));
      List<Double> all = new ArrayList<>();
      for (double s : samples) {
        all.add(s);
      }
      record.put("samples_ms", all);
      record.put("source", workload.bench.dataSource);
      record.put("lambda_rel_diff", difference);
      record.put("java", Runtime.version().toString());
      if (impl.equals("openblas")) {
        record.put("openblas_threads", OpenBlasBackend.threads());
        record.put("openblas", OpenBlasBackend.config());
      }
      return record;
    } finally {
      workload.tearDown();
    }
  }

  /** {@code max |a − b| / max |a|} (infinite for different lengths). */
  static double relativeDifference(double[] a, double[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double difference = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      difference = Math.max(difference, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(a[i]));
    }
    return scale > 0 ? difference / scale : difference;
  }

  /** The median (mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
