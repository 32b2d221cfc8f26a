package io.github.bilevel.bsgm;

/**
 * An upper-level iteration abandoned inside its lower-level or linear-system loop because a
 * {@link StopCheck} said so (see there for the state it leaves). Not an error: the caller that
 * set the check ends its run at the last completed iteration.
 */
public final class IterationStoppedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long samples;

  /**
   * An iteration stopped before step {@code step} of {@code solver} ("LL", "LS"), having drawn
   * {@code samples}.
   */
  public IterationStoppedException(String solver, int step, long samples) {
    super("iteration stopped before " + solver + " step " + step + " after " + samples
        + " samples", null, false, false);
    this.samples = samples;
  }

  /** The samples the abandoned iteration drew before it stopped. */
  public long samples() {
    return samples;
  }
}
