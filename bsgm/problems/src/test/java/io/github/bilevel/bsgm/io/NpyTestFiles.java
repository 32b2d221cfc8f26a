package io.github.bilevel.bsgm.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** .npy files written byte by byte in tests, the way numpy writes them. */
public final class NpyTestFiles {

  private NpyTestFiles() {}

  /** The bytes of a .npy file as numpy writes it: header padded to a multiple of 64 bytes. */
  public static byte[] npy(String descr, boolean fortran, String shape, byte[] data, int major) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
        + ", 'shape': " + shape + ", }";
    int preamble = major == 1 ? 10 : 12;
    int total = preamble + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
    if (major == 1) {
      out.write(text.length & 0xff);
      out.write(text.length >> 8);
    } else {
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length)
          .array());
    }
    out.writeBytes(text);
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** A C-ordered version 1.0 file. */
  public static byte[] npy(String descr, String shape, byte[] data) {
    return npy(descr, false, shape, data, 1);
  }
}
