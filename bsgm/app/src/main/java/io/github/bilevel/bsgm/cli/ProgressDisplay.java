package io.github.bilevel.bsgm.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A progress bar on stderr for work that can take more than a few seconds, or nothing: it is
 * drawn only when the command writes to the process's own stderr, that stderr is a terminal and
 * {@code --quiet} is not given. It never writes to stdout or to files, so it cannot mix with a
 * command's results; close it before printing them.
 */
final class ProgressDisplay implements AutoCloseable {

  private static final ProgressDisplay HIDDEN = new ProgressDisplay(null);
  /** Set by {@code bin/bsgm}: 1 if the wrapper's stderr is a terminal, 0 if not. */
  static final String TERMINAL_VARIABLE = "BSGM_STDERR_TERMINAL";
  private static volatile Boolean stderrTerminal;

  private final ProgressBar bar;

  private ProgressDisplay(ProgressBar bar) {
    this.bar = bar;
  }

  /**
   * A bar for the command of {@code spec}.
   *
   * @param task what is being done
   * @param max  the number of steps, or {@code -1} when unknown (an elapsed-time display)
   */
  static ProgressDisplay open(CommandSpec spec, String task, long max) {
    if (!GlobalOptions.of(spec).progressAllowed) {
      return HIDDEN;
    }
    PrintStream terminal = terminal();
    if (terminal == null) {
      return HIDDEN;
    }
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUpdateIntervalMillis(250)
        .setSpeedUnit(ChronoUnit.SECONDS)
        .setConsumer(new ConsoleProgressBarConsumer(terminal))
        .clearDisplayOnFinish()
        .build();
    return new ProgressDisplay(bar);
  }

  /**
   * Whether {@link #open} would draw a bar for the command of {@code spec}: standard streams,
   * no {@code --quiet}, and a terminal to draw on.
   */
  static boolean available(CommandSpec spec) {
    if (!GlobalOptions.of(spec).progressAllowed) {
      return false;
    }
    String wrapper = System.getenv(TERMINAL_VARIABLE);
    return wrapper == null ? stderrIsTerminal() : wrapper.equals("1");
  }

  /**
   * Where to draw: stderr itself when it is a terminal; the terminal stderr leads to when
   * {@code bin/bsgm} filters stderr through a pipe and says (in {@code BSGM_STDERR_TERMINAL})
   * that its own stderr is a terminal, since text without line ends would wait in the filter.
   */
  private static PrintStream terminal() {
    String wrapper = System.getenv(TERMINAL_VARIABLE);
    if (wrapper == null) {
      return stderrIsTerminal() ? System.err : null;
    }
    if (!wrapper.equals("1")) {
      return null;
    }
    try {
      return new PrintStream(new FileOutputStream("/dev/tty"), true, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /** Whether a bar is drawn. */
  boolean visible() {
    return bar != null;
  }

  /** Sets the steps done. */
  void stepTo(long done) {
    if (bar != null) {
      bar.stepTo(done);
    }
  }

  /** A short text shown after the bar. */
  void message(String text) {
    if (bar != null) {
      bar.setExtraMessage(text);
    }
  }

  /** Removes the bar from the terminal. */
  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }

  /**
   * Whether file descriptor 2 is a terminal: {@code isatty(2)} from the C library through the
   * foreign-function API; where that cannot be called, whether the JVM has an interactive console.
   */
  static boolean stderrIsTerminal() {
    Boolean known = stderrTerminal;
    if (known == null) {
      known = isatty(2);
      stderrTerminal = known;
    }
    return known;
  }

  private static boolean isatty(int fd) {
    try {
      Linker linker = Linker.nativeLinker();
      MemorySegment symbol = linker.defaultLookup().find("isatty").orElse(null);
      if (symbol != null) {
        MethodHandle isatty = linker.downcallHandle(symbol,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        return (int) isatty.invokeExact(fd) == 1;
      }
    } catch (Throwable e) {
      // no native access here: fall back to the console check
    }
    return System.console() != null && System.console().isTerminal();
  }
}
