package io.github.bilevel.bsgm.runner;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The workloads {@code bin/bsgm run} knows, by name. */
public final class Workloads {

  private static final Map<String, WorkloadFactory> ALL = new LinkedHashMap<>();

  static {
    register(QuadraticWorkload.FACTORY);
    register(EquilibriumWorkload.FACTORY);
    register(PoisoningWorkload.FACTORY);
    register(CleaningWorkload.FACTORY);
    register(MetaLearningWorkload.FACTORY);
    register(SimulatedWorkload.FACTORY);
  }

  private Workloads() {}

  private static void register(WorkloadFactory factory) {
    ALL.put(factory.name(), factory);
  }

  /** Every workload, in the order of the help text. */
  public static Map<String, WorkloadFactory> all() {
    return Collections.unmodifiableMap(ALL);
  }

  /**
   * The workload called {@code name}.
   *
   * @throws IllegalArgumentException naming the known ones
   */
  public static WorkloadFactory byName(String name) {
    WorkloadFactory factory = ALL.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown workload '" + name + "'; known: "
          + String.join(", ", ALL.keySet()));
    }
    return factory;
  }
}
