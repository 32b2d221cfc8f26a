package io.github.bilevel.bsgm.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs: a master and {@code n} workers
 * ({@code org.apache.spark.deploy.master.Master}, {@code ...worker.Worker}), each worker with one
 * core, started with {@link ProcessBuilder} from a Spark home laid out in a directory whose
 * {@code jars/} links to the jars of this JVM's class path (Spark's from the Maven repository: no
 * download). The workers start executors as their own child JVMs. {@link #close} kills them all.
 *
 * <p>The driver is this JVM: {@link #driverProperties} are the {@code spark.*} system properties
 * it needs (the class path's directories, e.g. the modules' {@code target/classes}, for the
 * executors; small executors; the loopback address).
 */
final class StandaloneCluster implements AutoCloseable {

  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final Path home;
  private final int masterPort;
  private final int masterUiPort;
  private final List<Process> processes = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final List<String> directories = new ArrayList<>();

  private StandaloneCluster(Path home) throws IOException {
    this.home = home;
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  /**
   * Lays out a Spark home in {@code home}, starts a master and {@code workers} one-core workers
   * with {@code workerMemory} (e.g. {@code 1g}) each, and waits up to {@code seconds} until all
   * have registered.
   */
  static StandaloneCluster start(Path home, int workers, String workerMemory, int seconds)
      throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(home);
    try {
      cluster.layOut();
      cluster.processes.add(cluster.launch("master", "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", Integer.toString(cluster.masterPort),
          "--webui-port", Integer.toString(cluster.masterUiPort)));
      // the workers start with the master (they retry registering until it listens)
      for (int w = 0; w < workers; w++) {
        Path work = Files.createDirectories(home.resolve("work-" + w));
        Process worker = cluster.launch("worker-" + w, "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", "0", "--webui-port",
            Integer.toString(freePort()), "--cores", "1", "--memory", workerMemory,
            "--work-dir", work.toString(), cluster.masterUrl());
        cluster.processes.add(worker);
        cluster.workers.add(worker);
      }
      cluster.awaitPort(cluster.masterPort, seconds);
      cluster.awaitWorkers(workers, seconds);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:PORT}. */
  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** Where the master, workers and executors write their logs. */
  Path home() {
    return home;
  }

  /**
   * The driver's settings for this cluster: executors of one core and {@code executorMemory},
   * with the class path's directories (the modules' classes) added to theirs.
   */
  Map<String, String> driverProperties(String executorMemory) {
    return Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.executor.cores", "1",
        "spark.executor.memory", executorMemory,
        "spark.executor.extraClassPath", String.join(File.pathSeparator, directories),
        "spark.ui.enabled", "false");
  }

  /** The executor JVM with Spark executor id {@code executorId}, if a worker runs it. */
  Optional<ProcessHandle> executor(String executorId) {
    List<String> idArgs = List.of("--executor-id", executorId);
    return executors().stream().filter(p -> {
      String[] args = p.info().arguments().orElse(new String[0]);
      return java.util.Collections.indexOfSubList(Arrays.asList(args), idArgs) >= 0;
    }).findFirst();
  }

  /** Every executor JVM the workers run now. */
  List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process worker : workers) {
      worker.toHandle().descendants().filter(p -> p.info().commandLine().orElse("")
          .contains("CoarseGrainedExecutorBackend")).forEach(out::add);
    }
    return out;
  }

  /** The Spark home: {@code jars/} linking this JVM's class path jars, and a RELEASE file. */
  private void layOut() throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("RELEASE"), "Spark (Maven dependency jars) for bsgm tests\n");
    Set<String> names = new LinkedHashSet<>();
    for (String entry : classPath()) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        directories.add(path.toAbsolutePath().toString());
      } else if (entry.endsWith(".jar") && Files.isRegularFile(path)
          && names.add(path.getFileName().toString())) {
        Files.createSymbolicLink(jars.resolve(path.getFileName()), path.toAbsolutePath());
      }
    }
  }

  /** The test class path (surefire's, which a manifest-only boot jar hides from java.class.path). */
  private static List<String> classPath() {
    String path = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    return List.of(path.split(File.pathSeparator));
  }

  private Process launch(String name, String mainClass, String... args) throws IOException {
    Path logs = Files.createDirectories(home.resolve("logs"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    // the daemons do little work: C1 only starts them faster on few cores
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    command.add("-cp");
    command.add(home.resolve("conf") + File.pathSeparator + home.resolve("jars") + "/*");
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOG_DIR", logs.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return builder.start();
  }

  private void awaitPort(int port, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        checkAlive();
        if (System.nanoTime() > deadline) {
          throw new IOException("the Spark master did not listen on " + port + " within "
              + seconds + " s; see " + home.resolve("logs"), e);
        }
        Thread.sleep(200);
      }
    }
  }

  /** Polls the master's JSON page until {@code n} workers are alive. */
  private void awaitWorkers(int n, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String last = "";
    while (System.nanoTime() < deadline) {
      checkAlive();
      try (InputStream in = URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL()
          .openStream()) {
        last = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = ALIVE_WORKERS.matcher(last);
        if (m.find() && Integer.parseInt(m.group(1)) >= n) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(300);
    }
    throw new IOException(n + " workers did not register within " + seconds + " s (" + last
        + "); see " + home.resolve("logs"));
  }

  private void checkAlive() throws IOException {
    for (Process p : processes) {
      if (!p.isAlive()) {
        throw new IOException("a cluster JVM exited with status " + p.exitValue() + "; see "
            + home.resolve("logs"));
      }
    }
  }

  /** Deletes {@code directory} and everything under it, if it exists (links, not their targets). */
  static void delete(Path directory) throws IOException {
    if (!Files.exists(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var paths = Files.walk(directory)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Kills the executors, the workers and the master ({@code kill -9}), and waits for them. */
  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>();
    for (Process p : processes) {
      p.toHandle().descendants().forEach(all::add);
      all.add(p.toHandle());
    }
    for (ProcessHandle p : all) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // best effort: a JVM that outlives 20 s after SIGKILL is the system's problem
      }
    }
  }
}
