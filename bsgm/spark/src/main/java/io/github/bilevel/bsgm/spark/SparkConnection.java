package io.github.bilevel.bsgm.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver's Spark context for a run, with the checks that turn Spark's failures into clear
 * errors in bounded time: a {@code spark://} master is reached over TCP first (within
 * {@value #CONNECT_SECONDS} s), and every job is awaited for at most
 * {@code bsgm.spark.jobTimeoutSeconds} (default {@value #JOB_SECONDS}) seconds, so that a
 * cluster with no free executor is an error, not a hang. {@link #close} stops the context.
 *
 * <p>Under {@code spark-submit} the driver's JVM has spark-submit's {@code --master} in the
 * system property {@code spark.master}: the master {@value #FROM_SUBMIT} takes it from there, and
 * any other master must equal it (two masters for one driver are refused, naming both).
 */
final class SparkConnection implements AutoCloseable {

  static final int CONNECT_SECONDS = 5;
  static final int JOB_SECONDS = 600;

  /**
   * The executors' JVM options unless {@code spark.executor.extraJavaOptions} is set: the Vector
   * API and native access, as bin/bsgm's JVM has them.
   */
  static final String EXECUTOR_JAVA_OPTIONS = "--add-modules jdk.incubator.vector"
      + " --enable-native-access=ALL-UNNAMED";

  /** The master that stands for spark-submit's {@code --master} ({@code run --spark submit}). */
  static final String FROM_SUBMIT = "submit";

  /** The system property in which spark-submit passes its {@code --master} to the driver. */
  static final String SUBMITTED_MASTER = "spark.master";

  private final String master;
  private final JavaSparkContext context;

  SparkConnection(String master) {
    master = resolve(master, System.getProperty(SUBMITTED_MASTER));
    this.master = master;
    checkReachable(master);
    SparkConf conf = new SparkConf().setMaster(master).setAppName("bsgm");
    if (master.startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    conf.setIfMissing("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS);
    try {
      context = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot start Spark with master " + master + ": "
          + rootMessage(e), e);
    }
  }

  JavaSparkContext context() {
    return context;
  }

  /**
   * The result of {@code job}, awaited at most the job timeout.
   *
   * @throws IllegalArgumentException if an executor cannot read the data
   * @throws ArithmeticException if a SID solve diverged on an executor
   * @throws IllegalStateException if the job fails otherwise or takes too long
   */
  <T> List<T> await(JavaFutureAction<List<T>> job, String what) {
    long seconds = Long.getLong("bsgm.spark.jobTimeoutSeconds", JOB_SECONDS);
    try {
      return job.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      job.cancel(true);
      throw new IllegalStateException("Spark (master " + master + ") did not finish " + what
          + " within " + seconds + " s: does the cluster have executors with free cores?"
          + " (bsgm.spark.jobTimeoutSeconds sets the limit)", e);
    } catch (InterruptedException e) {
      job.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      String message = rootMessage(e);
      Throwable root = root(e);
      String unreadable = lineFrom(e, ExecutorCache.UNREADABLE);
      if (unreadable != null) {
        throw new IllegalArgumentException(unreadable, e);
      }
      if (root instanceof ArithmeticException) {
        throw new ArithmeticException(message);
      }
      throw new IllegalStateException("Spark job (" + what + ") failed: " + message, e);
    }
  }

  /**
   * The master to use for {@code --spark master} when spark-submit gave {@code submitted}
   * (null: not under spark-submit).
   *
   * @throws IllegalArgumentException for {@value #FROM_SUBMIT} without spark-submit, or a master
   *     other than spark-submit's
   */
  static String resolve(String master, String submitted) {
    if (master.equals(FROM_SUBMIT)) {
      if (submitted == null || submitted.isBlank()) {
        throw new IllegalArgumentException("--spark " + FROM_SUBMIT + " takes the master from"
            + " spark-submit's --master, but this JVM was not started by spark-submit (no"
            + " system property " + SUBMITTED_MASTER + "): give a master URL, e.g. local[2] or"
            + " spark://host:7077");
      }
      return submitted;
    }
    if (submitted != null && !submitted.isBlank() && !submitted.equals(master)) {
      throw new IllegalArgumentException("two Spark masters: spark-submit's --master "
          + submitted + " and --spark " + master + "; give --spark " + FROM_SUBMIT
          + " (or the same URL) under spark-submit");
    }
    return master;
  }

  /** A {@code spark://host:port[,host:port]} master must answer on one of its ports. */
  private static void checkReachable(String master) {
    if (!master.startsWith("spark://")) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (String address : master.substring("spark://".length()).split(",")) {
      int colon = address.lastIndexOf(':');
      String host = colon < 0 ? address : address.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? 7077 : Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the Spark master " + master + " has no valid port"
            + " in " + address);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), CONNECT_SECONDS * 1000);
        return;
      } catch (IOException e) {
        failures.add(host + ":" + port + " (" + e.getMessage() + ")");
      }
    }
    throw new IllegalArgumentException("cannot reach the Spark master " + master + " within "
        + CONNECT_SECONDS + " s: " + String.join(", ", failures));
  }

  private static Throwable root(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** The line of a message in {@code e}'s chain that starts at {@code phrase}, or null. */
  private static String lineFrom(Throwable e, String phrase) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      int at = message == null ? -1 : message.indexOf(phrase);
      if (at >= 0) {
        int end = message.indexOf('\n', at);
        return message.substring(at, end < 0 ? message.length() : end);
      }
    }
    return null;
  }

  /** The innermost message, which names what went wrong (Spark's own wraps it in stages). */
  static String rootMessage(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? e.toString() : message;
  }

  @Override
  public void close() {
    context.stop();
  }
}
