package io.github.bilevel.nativebindings.openblas;

import io.github.bilevel.nativebindings.NativeLibraries;
import io.github.bilevel.nativebindings.NativeLibraries.Resolution;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Finds and loads the OpenBLAS shared library, once, without ever throwing at class
 * initialisation: when no usable library is found, {@link #unavailableReason()} says which names
 * and places were tried and how to install it.
 *
 * <p>Candidates, in order:
 *
 * <ol>
 *   <li>the file named by the system property {@value #PATH_PROPERTY};
 *   <li>the file named by the environment variable {@value #PATH_ENV};
 *   <li>the {@linkplain #DEFAULT_NAMES library names} without wildcards, through the system
 *       loader's search path ({@code LD_LIBRARY_PATH}, the {@code ld.so} cache);
 *   <li>every {@linkplain #DEFAULT_NAMES name} (wildcards expanded, newest version first) in each
 *       of the {@linkplain #DEFAULT_DIRECTORIES standard directories}.
 * </ol>
 *
 * <p>A library that loads but lacks one of the {@linkplain #REQUIRED_SYMBOLS required symbols}
 * (the reference BLAS behind {@code libblas.so.3}, say) is unloaded and the search goes on.
 */
@SuppressWarnings("restricted")
public final class OpenBlasLibrary {

  /** System property: path of the OpenBLAS shared library to load first. */
  public static final String PATH_PROPERTY = "bilevel.openblas.path";

  /** Environment variable: path of the OpenBLAS shared library, tried after the property. */
  public static final String PATH_ENV = "OPENBLAS_LIB";

  /** System property: OpenBLAS thread count applied when the library is first loaded. */
  public static final String THREADS_PROPERTY = "bilevel.openblas.threads";

  /** What to tell the user when nothing is found. */
  public static final String INSTALL_HINT = "install it with: apt-get install libopenblas0-pthread";

  /** Library names tried, best first; {@code *} is a wildcard (only expanded in directories). */
  public static final List<String> DEFAULT_NAMES = List.copyOf(new LinkedHashSet<>(List.of(
      "libopenblas.so.0",
      "libopenblas.so",
      System.mapLibraryName("openblas"),
      "libopenblasp-r0.3.*.so",
      "libopenblas-r0.3.*.so",
      "libopenblaso-r0.3.*.so")));

  /** Directories searched for {@link #DEFAULT_NAMES} after the system search path. */
  public static final List<Path> DEFAULT_DIRECTORIES = List.of(
      Path.of("/usr/lib/x86_64-linux-gnu"),
      Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread"),
      Path.of("/usr/lib64"),
      Path.of("/usr/local/lib"),
      Path.of("/opt/OpenBLAS/lib"));

  /** Symbols a library must export to be accepted ({@code cblas_daxpby} is optional). */
  public static final List<String> REQUIRED_SYMBOLS = List.of(
      "cblas_ddot", "cblas_dnrm2", "cblas_dasum", "cblas_daxpy", "cblas_dscal", "cblas_dcopy",
      "cblas_drot", "cblas_dgemv", "cblas_dger", "cblas_dgemm",
      "openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_config");

  private static final System.Logger LOG = System.getLogger(OpenBlasLibrary.class.getName());

  private static final Resolution RESOLUTION = resolveDefault();

  private OpenBlasLibrary() {}

  private static Resolution resolveDefault() {
    return NativeLibraries.searchLogged("OpenBLAS", () -> resolve(System.getProperty(
        PATH_PROPERTY), System.getenv(PATH_ENV), DEFAULT_NAMES, DEFAULT_DIRECTORIES), LOG);
  }

  /** Whether a usable OpenBLAS was found and loaded. */
  public static boolean isAvailable() {
    return RESOLUTION.isLoaded();
  }

  /** Why OpenBLAS cannot be used (names and places tried, how to install it); empty if it can. */
  public static Optional<String> unavailableReason() {
    return RESOLUTION.failure();
  }

  /** The file or name the library was loaded from, or empty when none was. */
  public static Optional<String> loadedFrom() {
    return RESOLUTION.loadedFrom();
  }

  /**
   * The loaded library's symbols; when none was loaded, a lookup that finds nothing (so that
   * binding classes initialise without error and fail only when a function is called).
   */
  public static SymbolLookup lookup() {
    return RESOLUTION.lookupOrNothing();
  }

  /** Whether the loaded library exports {@code symbol} (false when none is loaded). */
  public static boolean hasSymbol(String symbol) {
    return RESOLUTION.hasSymbol(symbol);
  }

  /**
   * Searches for OpenBLAS among the given candidates (see the class comment for the order) and
   * loads the first usable one into a fresh arena that stays open for the life of the JVM.
   *
   * @param configuredPath a file to try first (the {@value #PATH_PROPERTY} property), or
   *                       null/blank
   * @param envPath        a file to try next (the {@value #PATH_ENV} variable), or null/blank
   * @param names          library names; those without {@code *} are also tried through the
   *                       system loader's search path
   * @param directories    directories in which every name is looked for
   * @return the library loaded, or the reason none was: every candidate with what went wrong,
   *     ending with {@value #INSTALL_HINT}; never throws for a missing library
   */
  public static Resolution resolve(String configuredPath, String envPath, List<String> names,
      List<Path> directories) {
    List<String> tried = new ArrayList<>();
    Optional<Resolution> found = tryConfigured("system property " + PATH_PROPERTY,
        configuredPath, tried)
        .or(() -> tryConfigured("environment variable " + PATH_ENV, envPath, tried))
        .or(() -> NativeLibraries.searchNames(names, directories, tried,
            (label, file) -> tryLoad(label, file, tried)));
    if (found.isPresent()) {
      return found.get();
    }
    String reason = "OpenBLAS not found: looked for " + names + " through the system library path"
        + " and in " + directories + " (tried: " + String.join("; ", tried) + "); "
        + INSTALL_HINT + ", or point -D" + PATH_PROPERTY + " or " + PATH_ENV
        + " at the library file";
    return new Resolution(Optional.empty(), reason, List.of());
  }

  private static Optional<Resolution> tryConfigured(String what, String path, List<String> tried) {
    if (path == null || path.isBlank()) {
      tried.add(what + " not set");
      return Optional.empty();
    }
    Path file = Path.of(path.trim());
    if (!Files.isRegularFile(file)) {
      tried.add(what + " = " + file + ": no such file");
      return Optional.empty();
    }
    return tryLoad(what + " = " + file, file, tried);
  }

  /**
   * Loads {@code file} (or, when it is null, {@code label} as a name through the system search
   * path), checks the required symbols, and keeps the library loaded only if they are all there.
   */
  private static Optional<Resolution> tryLoad(String label, Path file, List<String> tried) {
    Optional<SymbolLookup> lookup = NativeLibraries.loadChecked(label, file, REQUIRED_SYMBOLS,
        " (not OpenBLAS)", arena -> { }, tried);
    if (lookup.isEmpty()) {
      return Optional.empty();
    }
    List<String> warnings = tried.stream()
        .filter(t -> t.startsWith("system property") || t.startsWith("environment variable"))
        .filter(t -> !t.endsWith(" not set"))
        .map(t -> "OpenBLAS: " + t + "; using " + label + " instead")
        .toList();
    return Optional.of(new Resolution(lookup, label, warnings));
  }
}
