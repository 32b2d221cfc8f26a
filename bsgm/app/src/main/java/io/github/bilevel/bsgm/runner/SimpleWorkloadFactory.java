package io.github.bilevel.bsgm.runner;

import io.github.bilevel.kernels.Backend;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link WorkloadFactory} from its parts, so that each workload states its name, description,
 * budget, registry and constructor instead of writing the factory out.
 *
 * @param name          the workload's name on the command line
 * @param description   one line on what it is
 * @param defaultBudget the sample budget of a run when the user gives none
 * @param registry      the registry its algorithms come from (they are all supported)
 * @param options       its {@code -o key=value} options, each read by the constructor
 * @param constructor   the instance from the backend, the options (under {@code name}) and seed
 */
record SimpleWorkloadFactory(String name, String description, long defaultBudget,
    AlgorithmRegistry<?, ?> registry, List<WorkloadOption> options, Constructor constructor)
    implements WorkloadFactory {

  /** A workload's constructor. */
  @FunctionalInterface
  interface Constructor {
    Workload create(Backend backend, WorkloadOptions options, long seed);
  }

  SimpleWorkloadFactory {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(registry, "registry");
    options = List.copyOf(options);
    Objects.requireNonNull(constructor, "constructor");
  }

  @Override
  public List<String> algorithms() {
    return registry.names();
  }

  @Override
  public Workload create(Backend backend, Map<String, String> options, long seed) {
    return constructor.create(backend, new WorkloadOptions(name, options, this.options), seed);
  }
}
