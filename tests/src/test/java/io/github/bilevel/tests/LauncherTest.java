package io.github.bilevel.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher {@code bin/bsgm} hides the JVM's incubator notice and nothing else: java's stderr
 * reaches the caller byte for byte (NUL, bytes that are not UTF-8, a last line without a line
 * end), stdout and stdin are untouched, and the exit status is java's. The launcher is run with
 * {@code BSGM_JAVA} (the java to run) and {@code BSGM_JAR} (no build), once with a fake java that
 * prints binary bytes and once with the real JVM reading a corrupt {@code .npy} file.
 */
class LauncherTest {

  /** The notice the JVM prints for {@code --add-modules jdk.incubator.vector}. */
  private static final String NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

  private static Path root;

  @TempDir
  Path dir;

  @BeforeAll
  static void findLauncher() {
    root = Path.of("").toAbsolutePath().getParent();
    assumeTrue(Files.isRegularFile(root.resolve("bin/bsgm")), "no bin/bsgm above " + root);
    assumeTrue(onPath("bash") && onPath("sed"), "bash and sed are needed to run bin/bsgm");
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private record Result(int status, byte[] out, byte[] err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  /** Runs {@code command} with {@code stdin} on its standard input; collects both outputs. */
  private Result run(List<String> command, Map<String, String> environment, byte[] stdin)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().write(stdin);
    process.getOutputStream().close();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " hangs");
    // the launcher exits only once the filter has passed its last byte: read the files now
    return new Result(process.exitValue(), Files.readAllBytes(dir.resolve("stdout")),
        Files.readAllBytes(dir.resolve("stderr")));
  }

  private static Path script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  /** What the fake java writes on stderr around the notice: NUL, 0x80-0xff, ESC, no last EOL. */
  private static byte[] binaryMessage() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("error: x.npy has a malformed .npy header (header: ".getBytes(
        StandardCharsets.US_ASCII));
    for (int b = 0; b < 256; b++) {
      if (b != '\n') {
        bytes.write(b);
      }
    }
    bytes.writeBytes(")\n\0\0\n\u001b[31mred\u001b[0m\nno line end".getBytes(
        StandardCharsets.ISO_8859_1));
    return bytes.toByteArray();
  }

  /** {@code printf} octal escapes for {@code bytes}. */
  private static String octal(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(String.format("\\%03o", b & 0xff));
    }
    return s.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 77})
  void binaryBytesOnStderrPassIntactAndTheStatusIsJavas(int status) throws Exception {
    byte[] message = binaryMessage();
    Path fakeJava = script(dir.resolve("fake-java"), "#!/usr/bin/env bash\n"
        + "printf '%s\\n' '" + NOTICE + "' >&2\n"
        + "printf 'out: args'; printf ' [%s]' \"$@\"; printf '\\n'\n"
        + "IFS= read -r line; printf 'out: stdin %s\\n' \"$line\"\n"
        + "printf '" + octal(message) + "' >&2\n"
        + "exit " + status + "\n");
    Result r = run(List.of("bash", root.resolve("bin/bsgm").toString(), "run", "two words"),
        Map.of("BSGM_JAVA", fakeJava.toString(), "BSGM_JAR", "/no/such.jar"),
        "typed\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(status, r.status(), "java's exit status, forwarded");
    assertArrayEquals(message, r.err(), "stderr minus the notice, byte for byte");
    assertTrue(r.outText().contains("out: args [--add-modules] [jdk.incubator.vector]"),
        r.outText());
    assertTrue(r.outText().contains("[-jar] [/no/such.jar] [run] [two words]\n"), r.outText());
    assertTrue(r.outText().contains("out: stdin typed\n"), r.outText());
  }

  @Test
  void theFilterDropsOnlyTheExactNoticeLines() throws Exception {
    // random bytes, with the notice and near misses on lines of their own
    SplittableRandom random = new SplittableRandom(12);
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    List<String> nearMisses = List.of(NOTICE + " ", " " + NOTICE, NOTICE + "x",
        NOTICE.replace("vector", "vector, jdk.incubator.foo"), NOTICE + "\r", NOTICE + "\0");
    for (int line = 0; line < 2000; line++) {
      byte[] noise = new byte[random.nextInt(200)];
      random.nextBytes(noise);
      in.writeBytes(noise);
      expected.writeBytes(noise);
      byte[] special = (line % 3 == 0 ? "\n" + NOTICE + "\n"
          : "\n" + nearMisses.get(line % nearMisses.size()) + "\n")
          .getBytes(StandardCharsets.ISO_8859_1);
      in.writeBytes(special);
      expected.writeBytes(line % 3 == 0 ? new byte[] {'\n'} : special);
    }
    Path input = dir.resolve("input");
    Files.write(input, in.toByteArray());
    Result r = run(List.of("bash", "-c", "\"$0\" < \"$1\"",
        root.resolve("bin/lib/filter-stderr").toString(), input.toString()), Map.of(),
        new byte[0]);
    assertEquals(0, r.status(), new String(r.err(), StandardCharsets.ISO_8859_1));
    assertArrayEquals(expected.toByteArray(), r.out());
  }

  @Test
  void aRealErrorWithNulBytesFromACorruptNpyFileReachesTheCaller() throws Exception {
    String java = ProcessHandle.current().info().command().orElse(null);
    assumeTrue(java != null, "the path of this JVM is unknown");
    // a .npy 1.0 file whose header has no 'descr' and holds NUL and ESC bytes, echoed by the error
    String header = "{'shape': (1,), 'x': '\0\0\u0001\u001b[31m', }";
    ByteArrayOutputStream npy = new ByteArrayOutputStream();
    npy.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
        (byte) header.length(), 0});
    npy.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    npy.writeBytes(new byte[8]);
    Path bad = dir.resolve("bad.npy");
    Files.write(bad, npy.toByteArray());
    // a java that runs the CLI from this test's class path where the launcher says -jar JAR
    Path viaClassPath = script(dir.resolve("java-classpath"), "#!/usr/bin/env bash\n"
        + "args=()\n"
        + "while [ $# -gt 0 ]; do\n"
        + "  if [ \"$1\" = -jar ]; then\n"
        + "    args+=(-cp \"$TEST_CLASS_PATH\" io.github.bilevel.bsgm.cli.Main); shift 2\n"
        + "  else args+=(\"$1\"); shift; fi\n"
        + "done\n"
        + "exec \"$TEST_JAVA\" \"${args[@]}\"\n");
    List<String> command = new ArrayList<>(List.of("bash",
        root.resolve("bin/bsgm").toString(), "hypergrad", "ridge"));
    for (String option : List.of("--train-x", "--train-y", "--val-x", "--val-y", "--lambda")) {
      command.addAll(List.of(option, bad.toString()));
    }
    command.addAll(List.of("--exact", "--out", dir.resolve("h.npy").toString()));
    Result r = run(command, Map.of("BSGM_JAVA", viaClassPath.toString(), "BSGM_JAR", "unused",
        "TEST_JAVA", java, "TEST_CLASS_PATH", System.getProperty("java.class.path")),
        new byte[0]);
    String err = new String(r.err(), StandardCharsets.ISO_8859_1);
    assertEquals(1, r.status(), err);
    assertTrue(err.startsWith("error: "), err);
    assertTrue(err.contains("malformed .npy header"), err);
    // the reader escapes the header's control bytes (NpyException); the launcher passes the
    // message through whole, backslashes included
    assertTrue(err.contains("'x': '\\x00\\x00\\x01\\x1b[31m'"), "the header's bytes,"
        + " escaped: " + err);
    assertFalse(err.contains("incubator"), err);
  }
}
