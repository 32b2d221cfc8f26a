package io.github.bilevel.nativebindings.cuda;

import static io.github.bilevel.nativebindings.NativeLibraries.glob;

import io.github.bilevel.nativebindings.NativeLibraries;
import io.github.bilevel.nativebindings.NativeLibraries.Resolution;
import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The four CUDA shared libraries the CUDA backend binds, each found and loaded once, without
 * ever throwing at class initialisation: when one is missing, {@link #unavailableReason()} says
 * which names and directories were tried.
 *
 * <p>Candidates, in order, for each library:
 *
 * <ol>
 *   <li>every {@linkplain #names() name} in each directory of the system property
 *       {@value #PATH_PROPERTY} (a list separated by {@link File#pathSeparator});
 *   <li>the same in each directory of the environment variable {@value #PATH_ENV};
 *   <li>every name through the system loader's search path ({@code LD_LIBRARY_PATH}, the
 *       {@code ld.so} cache), via {@link SymbolLookup#libraryLookup(String, Arena)};
 *   <li>every name in the {@linkplain #defaultDirectories() usual directories}:
 *       {@code /usr/local/cuda/lib64}, {@code /usr/local/cuda-*}{@code /lib64} (newest first),
 *       {@code /usr/lib/x86_64-linux-gnu}, {@code /usr/lib64}, {@code /usr/lib/wsl/lib}, and the
 *       {@code nvidia/*}{@code /lib} directories of Python's {@code site-packages} (where the
 *       {@code nvidia-*} wheels put the libraries).
 * </ol>
 *
 * <p>Names are versioned, newest CUDA first ({@code libcudart.so.13}, {@code .12}, ...). A file
 * that loads but lacks one of the {@linkplain #requiredSymbols() required symbols} is rejected
 * and the search goes on. When a library is loaded from a directory, its companions found there
 * are loaded first ({@code libcublasLt} for cuBLAS, {@code libnvrtc-builtins} for NVRTC), so
 * that the wheels' layout works without {@code LD_LIBRARY_PATH}.
 */
@SuppressWarnings("restricted")
public enum CudaLibrary {

  /** The CUDA runtime, {@code libcudart}. */
  RUNTIME("the CUDA runtime",
      List.of("libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so"),
      List.of("cudaGetDeviceCount", "cudaDeviceGetAttribute", "cudaSetDevice", "cudaMallocManaged",
          "cudaFree", "cudaMemcpy", "cudaMemcpyAsync", "cudaMemset", "cudaStreamCreateWithFlags",
          "cudaStreamSynchronize", "cudaEventElapsedTime", "cudaGetErrorString",
          "cudaGetLastError", "cudaRuntimeGetVersion"),
      List.of()),

  /** cuBLAS, {@code libcublas}. */
  CUBLAS("cuBLAS",
      List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"),
      List.of("cublasCreate_v2", "cublasDestroy_v2", "cublasSetStream_v2",
          "cublasSetPointerMode_v2", "cublasDdot_v2", "cublasDnrm2_v2", "cublasDaxpy_v2",
          "cublasDscal_v2", "cublasDcopy_v2", "cublasDgemv_v2", "cublasDger_v2", "cublasDgemm_v2",
          "cublasDgemmStridedBatched", "cublasDgeam", "cublasGetStatusString"),
      List.of("libcublasLt.so*")),

  /** NVRTC, the runtime compiler, {@code libnvrtc}. */
  NVRTC("NVRTC",
      List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"),
      List.of("nvrtcCreateProgram", "nvrtcCompileProgram", "nvrtcGetPTXSize", "nvrtcGetPTX",
          "nvrtcGetCUBINSize", "nvrtcGetCUBIN", "nvrtcGetProgramLogSize", "nvrtcGetProgramLog",
          "nvrtcDestroyProgram", "nvrtcGetErrorString"),
      List.of("libnvrtc-builtins.so*")),

  /** The driver API, {@code libcuda.so.1} (installed with the NVIDIA driver). */
  DRIVER("the CUDA driver API",
      List.of("libcuda.so.1", "libcuda.so"),
      List.of("cuInit", "cuDeviceGet", "cuDevicePrimaryCtxRetain", "cuCtxSetCurrent",
          "cuModuleLoadData", "cuModuleGetFunction", "cuLaunchKernel", "cuGetErrorString"),
      List.of());

  /** System property: directories (path list) searched first for every CUDA library. */
  public static final String PATH_PROPERTY = "bilevel.cuda.path";

  /** Environment variable: directories (path list) searched after the property. */
  public static final String PATH_ENV = "CUDA_LIB_PATH";

  private static final System.Logger LOG = System.getLogger(CudaLibrary.class.getName());

  private final String what;
  private final List<String> names;
  private final List<String> requiredSymbols;
  private final List<String> companions;
  private Resolution resolution;

  CudaLibrary(String what, List<String> names, List<String> requiredSymbols,
      List<String> companions) {
    this.what = what;
    this.names = names;
    this.requiredSymbols = requiredSymbols;
    this.companions = companions;
  }

  /** What the library is, in words ("cuBLAS", "the CUDA runtime", ...). */
  public String description() {
    return what;
  }

  /** File names tried, best first. */
  public List<String> names() {
    return names;
  }

  /** Symbols a file must export to be accepted. */
  public List<String> requiredSymbols() {
    return requiredSymbols;
  }

  /** The search with the default candidates, done once (on first use) and kept. */
  public synchronized Resolution resolution() {
    if (resolution == null) {
      resolution = NativeLibraries.searchLogged(what, () -> resolve(
          System.getProperty(PATH_PROPERTY), System.getenv(PATH_ENV), names,
          defaultDirectories()), LOG);
    }
    return resolution;
  }

  /** Whether the library was found and loaded. */
  public boolean isAvailable() {
    return resolution().isLoaded();
  }

  /** Why the library cannot be used (names and places tried); empty when it can. */
  public Optional<String> unavailableReason() {
    return resolution().failure();
  }

  /** The file or name the library was loaded from, or empty when none was. */
  public Optional<String> loadedFrom() {
    return resolution().loadedFrom();
  }

  /**
   * The loaded library's symbols; when none was loaded, a lookup that finds nothing (so that the
   * binding classes initialise and fail only when a function is called).
   */
  public SymbolLookup lookup() {
    return resolution().lookupOrNothing();
  }

  /** Whether the loaded library exports {@code symbol} (false when none is loaded). */
  public boolean hasSymbol(String symbol) {
    return resolution().hasSymbol(symbol);
  }

  /**
   * The usual directories, in search order (only those that exist): the CUDA toolkit's,
   * the system's, WSL's, and the {@code nvidia/*}{@code /lib} directories of Python
   * installations ({@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX}, {@code ~/.local},
   * {@code /usr/local}, {@code /usr}, {@code /opt/conda}).
   */
  public static List<Path> defaultDirectories() {
    Set<Path> dirs = new LinkedHashSet<>();
    dirs.add(Path.of("/usr/local/cuda/lib64"));
    dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
    for (Path cuda : glob(Path.of("/usr/local"), "cuda-*")) {
      dirs.add(cuda.resolve("lib64"));
      dirs.add(cuda.resolve("targets/x86_64-linux/lib"));
    }
    dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
    dirs.add(Path.of("/usr/lib64"));
    dirs.add(Path.of("/usr/lib/wsl/lib"));
    dirs.addAll(pythonNvidiaDirectories());
    return dirs.stream().filter(Files::isDirectory).toList();
  }

  /** The {@code site-packages/nvidia/*}{@code /lib} directories of the usual Python places. */
  static List<Path> pythonNvidiaDirectories() {
    List<Path> prefixes = new ArrayList<>();
    for (String env : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
      String v = System.getenv(env);
      if (v != null && !v.isBlank()) {
        prefixes.add(Path.of(v));
      }
    }
    String home = System.getProperty("user.home");
    if (home != null) {
      prefixes.add(Path.of(home, ".local"));
    }
    prefixes.add(Path.of("/usr/local"));
    prefixes.add(Path.of("/usr"));
    prefixes.add(Path.of("/opt/conda"));
    List<Path> sitePackages = new ArrayList<>();
    sitePackages.add(Path.of("/usr/lib/python3/dist-packages"));
    for (Path prefix : prefixes) {
      for (Path python : glob(prefix.resolve("lib"), "python3*")) {
        sitePackages.add(python.resolve("site-packages"));
        sitePackages.add(python.resolve("dist-packages"));
      }
    }
    List<Path> out = new ArrayList<>();
    for (Path site : sitePackages) {
      for (Path pkg : glob(site.resolve("nvidia"), "*")) {
        Path lib = pkg.resolve("lib");
        if (Files.isDirectory(lib)) {
          out.add(lib);
        }
      }
    }
    return out;
  }

  /** Splits a path list ({@link File#pathSeparator}); null or blank gives an empty list. */
  static List<String> splitPathList(String list) {
    if (list == null || list.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : list.split(File.pathSeparator)) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /**
   * Searches for this library among the given candidates (see the class comment for the order)
   * and loads the first usable one into an arena that stays open for the life of the JVM.
   *
   * @param configuredDirs directories to try first (the {@value #PATH_PROPERTY} property, a path
   *                       list), or null/blank
   * @param envDirs        directories to try next (the {@value #PATH_ENV} variable), or
   *                       null/blank
   * @param names          file names, best first; each is also tried through the system
   *                       loader's search path
   * @param directories    directories in which every name is looked for
   * @return the library loaded, or the reason none was: every name and directory tried with
   *     what went wrong; never throws for a missing library
   */
  public Resolution resolve(String configuredDirs, String envDirs, List<String> names,
      List<Path> directories) {
    List<String> tried = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Optional<Resolution> found = tryDirectories("system property " + PATH_PROPERTY,
        configuredDirs, names, tried, warnings)
        .or(() -> tryDirectories("environment variable " + PATH_ENV, envDirs, names, tried,
            warnings))
        .or(() -> NativeLibraries.searchNames(names, directories, tried,
            (label, file) -> tryLoad(label, file, tried, warnings)));
    if (found.isPresent()) {
      return found.get();
    }
    String reason = what + " not found: looked for " + names
        + " through the system library path and in " + directories + " (tried: "
        + String.join("; ", tried) + "); point -D" + PATH_PROPERTY + " or " + PATH_ENV
        + " at the directory that holds it" + hint();
    return new Resolution(Optional.empty(), reason, List.of());
  }

  private String hint() {
    return switch (this) {
      case DRIVER -> " (libcuda.so.1 comes with the NVIDIA driver: is there a GPU and its driver?)";
      case CUBLAS -> " (e.g. pip install nvidia-cublas, or the CUDA toolkit's libcublas)";
      case NVRTC -> " (e.g. pip install nvidia-cuda-nvrtc, or the CUDA toolkit's libnvrtc)";
      case RUNTIME -> " (e.g. pip install nvidia-cuda-runtime, or the CUDA toolkit)";
    };
  }

  private Optional<Resolution> tryDirectories(String what, String list, List<String> names,
      List<String> tried, List<String> warnings) {
    List<String> dirs = splitPathList(list);
    if (dirs.isEmpty()) {
      tried.add(what + " not set");
      return Optional.empty();
    }
    for (String d : dirs) {
      Path dir = Path.of(d);
      if (!Files.isDirectory(dir)) {
        String problem = what + ": " + dir + ": no such directory";
        tried.add(problem);
        warnings.add(problem);
        continue;
      }
      int before = tried.size();
      Optional<Resolution> found = NativeLibraries.searchDirectory(dir, names, tried,
          (label, file) -> tryLoad(label, file, tried, warnings));
      if (found.isPresent()) {
        return found;
      }
      // A directory that does not hold this library is no problem (a path list names the
      // directories of several libraries); one whose copy failed to load is.
      for (int i = before; i < tried.size(); i++) {
        if (!tried.get(i).endsWith(NativeLibraries.NONE_PRESENT)) {
          warnings.add(what + ": " + tried.get(i));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Loads {@code file} (or, when it is null, {@code label} as a name through the system search
   * path) after its companions in the same directory, checks the required symbols, and keeps
   * the library loaded only if they are all there.
   */
  private Optional<Resolution> tryLoad(String label, Path file, List<String> tried,
      List<String> warnings) {
    Optional<SymbolLookup> lookup = NativeLibraries.loadChecked(label, file, requiredSymbols, "",
        arena -> loadCompanions(file, arena), tried);
    if (lookup.isEmpty()) {
      return Optional.empty();
    }
    List<String> w = warnings.stream().map(t -> what + ": " + t + "; using " + label + " instead")
        .toList();
    return Optional.of(new Resolution(lookup, label, w));
  }

  /** Loads the companions found next to {@code file} (none when it is a bare name). */
  private void loadCompanions(Path file, Arena arena) {
    if (file == null || file.getParent() == null) {
      return;
    }
    for (String companion : companions) {
      for (Path c : glob(file.getParent(), companion)) {
        try {
          SymbolLookup.libraryLookup(c, arena);
        } catch (IllegalArgumentException e) {
          // The library itself will say what is missing.
        }
      }
    }
  }
}
