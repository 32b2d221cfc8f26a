package io.github.bilevel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backends;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The provider's choice in a fresh JVM: the SIMD backend with the Vector API module, the scalar
 * one (and a logged reason) without it, and a clear error when a backend that cannot run is
 * asked for by name. The child JVM sees no GPU ({@code CUDA_VISIBLE_DEVICES=-1}): the CUDA
 * backend ranks above SIMD, so on a GPU machine {@code auto} would pick it, and these claims are
 * about the CPU backends below it.
 */
class ProviderFallbackTest {

  /** Child-JVM entry point: prints the preferred backend's name, or the error's message. */
  public static final class PrintPreferred {
    public static void main(String[] args) {
      try {
        System.out.println("backend=" + Backends.preferred().name());
      } catch (RuntimeException e) {
        System.out.println("error=" + e.getMessage());
      }
    }
  }

  private record Child(int status, String out) {}

  private static Child runChild(boolean vectorModule, String... properties)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    if (vectorModule) {
      command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    }
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(List.of(properties));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        PrintPreferred.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CUDA_VISIBLE_DEVICES", "-1"); // no GPU: the CPU backends' choice
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    return new Child(process.exitValue(), out);
  }

  @Test
  void withTheVectorModuleAutoPicksSimd() throws Exception {
    Child child = runChild(true);
    assertEquals(0, child.status(), child.out());
    assertTrue(child.out().contains("backend=simd"), child.out());
  }

  @Test
  void withoutTheVectorModuleAutoFallsBackToScalarAndSaysWhy() throws Exception {
    Child child = runChild(false);
    assertEquals(0, child.status(), child.out());
    assertTrue(child.out().contains("backend=scalar"), child.out());
    assertTrue(child.out().contains("jdk.incubator.vector"), "no logged reason: " + child.out());
  }

  @Test
  void askingForSimdWithoutTheModuleIsAnErrorNamingTheModule() throws Exception {
    Child child = runChild(false, "-D" + Backends.PROPERTY + "=simd");
    assertTrue(child.out().contains("error=backend 'simd' cannot run here"), child.out());
    assertTrue(child.out().contains("jdk.incubator.vector"), child.out());
  }

  @Test
  void thePropertyOverridesTheAutomaticChoice() throws Exception {
    Child child = runChild(true, "-D" + Backends.PROPERTY + "=scalar");
    assertTrue(child.out().contains("backend=scalar"), child.out());
  }
}
