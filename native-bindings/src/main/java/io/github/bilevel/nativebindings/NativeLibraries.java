package io.github.bilevel.nativebindings;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The library-search steps shared by {@code OpenBlasLibrary} and {@code CudaLibrary}: the
 * outcome of a search ({@link Resolution}), the logged search that never throws, loading one
 * candidate and checking its symbols, the search of names and directories, and directory
 * globbing. Each library class keeps its own candidate order and messages.
 */
@SuppressWarnings("restricted")
public final class NativeLibraries {

  private NativeLibraries() {}

  /**
   * The outcome of a search: a loaded library ({@code lookup} present, {@code source} naming the
   * file or name loaded) or the reason none was ({@code lookup} empty).
   *
   * @param lookup   the library's symbols, when one was accepted
   * @param source   what was loaded (file or name), or the reason nothing was
   * @param warnings problems met on the way to a library that did load (a configured path that
   *                 did not work, say); empty on failure (they are in {@code source} then)
   */
  public record Resolution(Optional<SymbolLookup> lookup, String source, List<String> warnings) {

    /** Canonical constructor; copies the warnings. */
    public Resolution {
      Objects.requireNonNull(lookup, "lookup");
      Objects.requireNonNull(source, "source");
      warnings = List.copyOf(warnings);
    }

    /** Whether a library was loaded. */
    public boolean isLoaded() {
      return lookup.isPresent();
    }

    /** The reason nothing was loaded, or empty when a library was. */
    public Optional<String> failure() {
      return lookup.isPresent() ? Optional.empty() : Optional.of(source);
    }

    /** The file or name the library was loaded from, or empty when none was. */
    public Optional<String> loadedFrom() {
      return lookup.isPresent() ? Optional.of(source) : Optional.empty();
    }

    /**
     * The loaded library's symbols; when none was loaded, a lookup that finds nothing (so that
     * binding classes initialise without error and fail only when a function is called).
     */
    public SymbolLookup lookupOrNothing() {
      return lookup.orElse(name -> Optional.empty());
    }

    /** Whether the loaded library exports {@code symbol} (false when none is loaded). */
    public boolean hasSymbol(String symbol) {
      return lookup.flatMap(l -> l.find(symbol)).isPresent();
    }
  }

  /**
   * Runs {@code search}, turning an exception (missing {@code --enable-native-access} in a strict
   * mode, say) into a failed resolution, and logs the outcome: warnings and the source at
   * {@code WARNING}/{@code DEBUG} when loaded, the reason at {@code DEBUG} when not.
   *
   * @param what what the library is, in words, for the messages ("OpenBLAS", "cuBLAS", ...)
   */
  public static Resolution searchLogged(String what, Supplier<Resolution> search,
      System.Logger log) {
    Resolution r;
    try {
      r = search.get();
    } catch (RuntimeException | LinkageError e) {
      r = new Resolution(Optional.empty(), what + " could not be loaded: " + e, List.of());
    }
    if (r.isLoaded()) {
      for (String w : r.warnings()) {
        log.log(Level.WARNING, w);
      }
      log.log(Level.DEBUG, what + " loaded from " + r.source());
    } else {
      log.log(Level.DEBUG, r.source());
    }
    return r;
  }

  /**
   * Loads {@code file} (or, when it is null, {@code label} as a name through the system search
   * path) into a fresh arena, after {@code before} has run on that arena (to load companion
   * libraries, say), and keeps it loaded for the life of the JVM only if it exports every
   * required symbol; otherwise records in {@code tried} why not ({@code label: reason}, with
   * {@code lacksNote} after a missing symbol's name) and returns empty.
   */
  public static Optional<SymbolLookup> loadChecked(String label, Path file,
      List<String> requiredSymbols, String lacksNote, Consumer<Arena> before,
      List<String> tried) {
    Arena arena = Arena.ofShared();
    SymbolLookup lookup;
    try {
      before.accept(arena);
      lookup = file != null ? SymbolLookup.libraryLookup(file, arena)
          : SymbolLookup.libraryLookup(label, arena);
    } catch (IllegalArgumentException e) {
      arena.close();
      tried.add(label + ": " + firstLine(e.getMessage()));
      return Optional.empty();
    }
    for (String symbol : requiredSymbols) {
      if (lookup.find(symbol).isEmpty()) {
        arena.close();
        tried.add(label + ": loaded but lacks symbol " + symbol + lacksNote);
        return Optional.empty();
      }
    }
    // The arena is never closed: the library stays loaded for the life of the JVM.
    return Optional.of(lookup);
  }

  /** What {@link #searchDirectory} records for a directory that holds none of the names. */
  public static final String NONE_PRESENT = ": none of the names present";

  /**
   * The search after the configured places: each name without {@code *} through the system
   * loader's search path, then {@link #searchDirectory} in each directory; the directories that
   * do not exist are listed together in {@code tried}.
   *
   * @param load loads a candidate, given its label and its file (null for a bare name)
   */
  public static Optional<Resolution> searchNames(List<String> names, List<Path> directories,
      List<String> tried, BiFunction<String, Path, Optional<Resolution>> load) {
    for (String name : names) {
      Optional<Resolution> found = name.contains("*") ? Optional.empty() : load.apply(name, null);
      if (found.isPresent()) {
        return found;
      }
    }
    List<String> absent = new ArrayList<>();
    for (Path dir : directories) {
      if (!Files.isDirectory(dir)) {
        absent.add(dir.toString());
        continue;
      }
      Optional<Resolution> found = searchDirectory(dir, names, tried, load);
      if (found.isPresent()) {
        return found;
      }
    }
    if (!absent.isEmpty()) {
      tried.add("directories not present: " + String.join(", ", absent));
    }
    return Optional.empty();
  }

  /**
   * Loads the first usable file in {@code dir} among {@code names} ({@code *} wildcards expanded,
   * newest first), recording {@code dir}{@value #NONE_PRESENT} in {@code tried} when none is there.
   */
  public static Optional<Resolution> searchDirectory(Path dir, List<String> names,
      List<String> tried, BiFunction<String, Path, Optional<Resolution>> load) {
    boolean any = false;
    for (String name : names) {
      List<Path> files = name.contains("*") ? glob(dir, name)
          : Files.exists(dir.resolve(name)) ? List.of(dir.resolve(name)) : List.of();
      for (Path file : files) {
        any = true;
        Optional<Resolution> found = load.apply(file.toString(), file);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    if (!any) {
      tried.add(dir + NONE_PRESENT);
    }
    return Optional.empty();
  }

  /**
   * The entries of {@code dir} matching the glob {@code pattern}, newest first (names in reverse
   * order, ignoring case); empty on error.
   */
  public static List<Path> glob(Path dir, String pattern) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, pattern)) {
      for (Path p : stream) {
        out.add(p);
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    out.sort(Comparator.comparing((Path p) -> p.getFileName().toString().toLowerCase(Locale.ROOT))
        .reversed());
    return out;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot be loaded";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
