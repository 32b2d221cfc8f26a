package io.github.bilevel.bsgm.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A {@link PrintStream} that writes UTF-8 text into a command's {@link PrintWriter}, for APIs
 * that log to a stream (the experiment runner) while the command's output goes through the
 * writers picocli gives it. Bytes are decoded as they arrive, keeping an incomplete UTF-8
 * sequence until its last byte, and the writer is flushed on every line.
 */
final class WriterStream extends OutputStream {

  private final PrintWriter writer;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer bytes = ByteBuffer.allocate(4096);
  private final CharBuffer chars = CharBuffer.allocate(4096);

  private WriterStream(PrintWriter writer) {
    this.writer = writer;
  }

  /** A UTF-8 print stream onto {@code writer}, flushed at every line end. */
  static PrintStream of(PrintWriter writer) {
    return new PrintStream(new WriterStream(writer), true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    bytes.put((byte) b);
    if (!bytes.hasRemaining()) {
      decode();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    while (len > 0) {
      int n = Math.min(len, bytes.remaining());
      bytes.put(b, off, n);
      off += n;
      len -= n;
      if (!bytes.hasRemaining()) {
        decode();
      }
    }
  }

  @Override
  public synchronized void flush() {
    decode();
    writer.flush();
  }

  @Override
  public void close() {
    flush(); // the writer belongs to the command line: it stays open
  }

  /** Moves the complete characters in {@code bytes} to the writer; keeps a partial one. */
  private void decode() {
    bytes.flip();
    while (true) {
      boolean overflow = decoder.decode(bytes, chars, false).isOverflow();
      chars.flip();
      writer.append(chars);
      chars.clear();
      if (!overflow) {
        break;
      }
    }
    bytes.compact();
  }
}
