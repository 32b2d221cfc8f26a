package io.github.bilevel.nativebindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The symbol lookup and linker helper shared by the hand-written bindings of this module
 * ({@code Cblas}, {@code CudaRuntime}, {@code Cublas}, {@code CudaDriver}, {@code Nvrtc}): one
 * call per C function, at class initialisation, that never throws, so that a binding class loads
 * whether or not its library is present.
 */
@SuppressWarnings("restricted")
public final class Downcalls {

  /** C pointer, to bytes of unbounded size (so that a returned {@code char *} can be read). */
  public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
      .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

  private static final Linker LINKER = Linker.nativeLinker();

  private static final MethodHandle UNRESOLVED;

  static {
    try {
      UNRESOLVED = MethodHandles.lookup().findStatic(Downcalls.class, "unresolved",
          MethodType.methodType(void.class, String.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Downcalls() {}

  /**
   * The downcall handle of {@code symbol} in {@code library}, of C type {@code type}; when the
   * symbol is missing (the library is not there, or too old), a handle of the same type that
   * throws {@link UnsatisfiedLinkError} naming the symbol and the library's
   * {@code unavailableReason}.
   *
   * @param library           where to find the symbol
   * @param unavailableReason why the library is unavailable, if it is (for the message)
   * @param symbol            the C name
   * @param type              the C signature
   * @param options           linker options ({@link Linker.Option#critical}, say)
   * @return the handle, never null
   */
  public static MethodHandle downcall(SymbolLookup library,
      Supplier<Optional<String>> unavailableReason, String symbol, FunctionDescriptor type,
      Linker.Option... options) {
    return library.find(symbol)
        .map(address -> LINKER.downcallHandle(address, type, options))
        .orElseGet(() -> {
          String message = "unresolved symbol: " + symbol
              + unavailableReason.get().map(r -> " (" + r + ")").orElse("");
          MethodType methodType = type.toMethodType();
          MethodHandle thrower = MethodHandles.insertArguments(UNRESOLVED, 0, message);
          return MethodHandles.foldArguments(MethodHandles.empty(methodType), thrower);
        });
  }

  /**
   * Rethrows what a downcall threw: errors and runtime exceptions as they are; a checked
   * exception (which a downcall cannot throw) as an {@link AssertionError}. Wrappers write
   * {@code throw Downcalls.rethrow(t)}.
   *
   * @param t what {@code invokeExact} threw
   * @return never returns normally
   */
  public static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new AssertionError("should not reach here", t);
  }

  private static void unresolved(String message) {
    throw new UnsatisfiedLinkError(message);
  }
}
