package io.github.bilevel.kernels;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.ServiceLoader;

/**
 * Chooses a {@link Backend}, the way Lucene's {@code VectorizationProvider} does: the SIMD
 * backend when the {@code jdk.incubator.vector} module is present, else the scalar backend with
 * a logged reason; backends from other modules (OpenBLAS, CUDA) are found by
 * {@link ServiceLoader} through {@link BackendFactory}.
 *
 * <p>Override with the system property {@value #PROPERTY} ({@code auto}, {@code scalar},
 * {@code simd}, or the name of a registered backend such as {@code openblas}). Asking for a
 * backend that cannot run here is an error that says why, never a silent fallback.
 */
public final class Backends {

  /** System property naming the backend to use; {@code auto} (the default) picks the best. */
  public static final String PROPERTY = "bilevel.backend";

  private static final System.Logger LOG = System.getLogger(Backends.class.getName());

  private static volatile Backend preferred;

  private Backends() {}

  /** The backend chosen by {@value #PROPERTY} (default {@code auto}); created once. */
  public static Backend preferred() {
    Backend b = preferred;
    if (b == null) {
      synchronized (Backends.class) {
        b = preferred;
        if (b == null) {
          b = byName(System.getProperty(PROPERTY, "auto"));
          preferred = b;
        }
      }
    }
    return b;
  }

  /**
   * The backend of the given name; {@code auto} picks the highest-ranked available one.
   *
   * @throws IllegalArgumentException for an unknown name or one that cannot run here (the
   *     message lists every backend with its availability)
   */
  public static Backend byName(String name) {
    return byName(name, BackendFactory::create);
  }

  /**
   * The backend of the given name ({@code auto}: as {@link #byName(String)}) with its CPU
   * kernels on up to {@code threads} threads ({@link BackendFactory#create(int)}).
   *
   * @throws IllegalArgumentException for an unknown name, one that cannot run here, a backend
   *     without CPU kernel threads, or {@code threads < 1}
   */
  public static Backend byName(String name, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return byName(name, f -> f.create(threads));
  }

  private static Backend byName(String name, Function<BackendFactory, Backend> create) {
    String wanted = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
    List<BackendFactory> factories = factories();
    if (wanted.equals("auto")) {
      for (BackendFactory f : factories) {
        Optional<String> reason = f.unavailableReason();
        if (reason.isEmpty() && f.priority() >= 0) {
          return create.apply(f);
        }
        if (reason.isPresent() && f.priority() >= 100) {
          // The SIMD backend missing is news; an accelerator missing (ranked above it) is the
          // common case, said only at DEBUG.
          Level level = f.priority() > 100 ? Level.DEBUG : Level.INFO;
          LOG.log(level, "backend " + f.name() + " not used: " + reason.get());
        }
      }
      throw new IllegalStateException("no backend available: " + describe(factories));
    }
    for (BackendFactory f : factories) {
      if (f.name().equals(wanted)) {
        Optional<String> reason = f.unavailableReason();
        if (reason.isPresent()) {
          throw new IllegalArgumentException(
              "backend '" + wanted + "' cannot run here: " + reason.get());
        }
        return create.apply(f);
      }
    }
    throw new IllegalArgumentException(
        "unknown backend '" + name + "'; known: auto, " + describe(factories));
  }

  /** Every known backend factory, best first: built-in ones and those found by ServiceLoader. */
  public static List<BackendFactory> factories() {
    List<BackendFactory> all = new ArrayList<>();
    all.add(new SimdFactory());
    all.add(new ScalarFactory());
    try {
      for (BackendFactory f : ServiceLoader.load(BackendFactory.class)) {
        all.add(f);
      }
    } catch (java.util.ServiceConfigurationError e) {
      LOG.log(Level.WARNING, "a backend provider failed to load: " + e.getMessage());
    }
    all.sort(Comparator.comparingInt(BackendFactory::priority).reversed());
    return all;
  }

  /** "name (available)" / "name (unavailable: reason)" for each factory. */
  public static String describe(List<BackendFactory> factories) {
    StringBuilder sb = new StringBuilder();
    for (BackendFactory f : factories) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(f.name());
      f.unavailableReason().ifPresentOrElse(
          r -> sb.append(" (unavailable: ").append(r).append(')'),
          () -> sb.append(" (available)"));
    }
    return sb.toString();
  }

  /** Why the Vector API cannot be used here, or empty when it can. */
  public static Optional<String> vectorApiUnavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return Optional.of("module jdk.incubator.vector is not present "
          + "(run java with --add-modules jdk.incubator.vector)");
    }
    try {
      int lanes = SimdBackend.lanes();
      if (lanes < 2) {
        return Optional.of("the preferred vector species has " + lanes + " double lane(s)");
      }
    } catch (LinkageError e) {
      return Optional.of("the Vector API failed to load: " + e);
    }
    return Optional.empty();
  }

  private static final class SimdFactory implements BackendFactory {
    @Override
    public String name() {
      return "simd";
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public Optional<String> unavailableReason() {
      return vectorApiUnavailableReason();
    }

    @Override
    public Backend create() {
      return new SimdBackend();
    }

    @Override
    public Backend create(int threads) {
      return new SimdBackend(threads);
    }
  }

  private static final class ScalarFactory implements BackendFactory {
    @Override
    public String name() {
      return "scalar";
    }

    @Override
    public int priority() {
      return 0;
    }

    @Override
    public Optional<String> unavailableReason() {
      return Optional.empty();
    }

    @Override
    public Backend create() {
      return new ScalarBackend();
    }
  }
}
