package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.runner.WorkloadFactory;
import io.github.bilevel.bsgm.runner.WorkloadOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Column.Overflow;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help sections made at run time from the registries (workloads, rate experiments), as
 * two-column tables that wrap like picocli's own option list.
 */
final class HelpText {

  private HelpText() {}

  /**
   * {@code text} as a picocli description line: picocli formats every description line with
   * {@link String#format}, so a {@code %} must be written {@code %%}.
   */
  static String escape(String text) {
    return text.replace("%", "%%");
  }

  /**
   * Adds a section to {@code spec}'s help just before the footer: {@code heading}, then per
   * group its title line (when not empty) and its rows of (first column, second column), the
   * first column {@code firstColumn} characters wide.
   */
  static void addSection(CommandSpec spec, String key, String heading, int firstColumn,
      Map<String, List<String[]>> groups) {
    IHelpSectionRenderer renderer = help -> render(help, heading, firstColumn, groups);
    UsageMessageSpec usage = spec.usageMessage();
    Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
    sections.put(key, renderer);
    List<String> keys = new ArrayList<>(usage.sectionKeys());
    keys.add(Math.max(0, keys.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER_HEADING)), key);
    usage.sectionMap(sections).sectionKeys(keys);
  }

  private static String render(Help help, String heading, int firstColumn,
      Map<String, List<String[]>> groups) {
    int width = help.commandSpec().usageMessage().width();
    StringBuilder out = new StringBuilder(System.lineSeparator()).append(heading)
        .append(System.lineSeparator());
    for (Map.Entry<String, List<String[]>> group : groups.entrySet()) {
      if (!group.getKey().isEmpty()) {
        TextTable title = TextTable.forColumns(help.colorScheme(),
            new Column(width, 2, Overflow.WRAP));
        title.addRowValues(group.getKey());
        out.append(title);
      }
      int indent = group.getKey().isEmpty() ? 2 : 4;
      TextTable rows = TextTable.forColumns(help.colorScheme(),
          new Column(firstColumn, indent, Overflow.SPAN),
          new Column(width - firstColumn, 1, Overflow.WRAP));
      for (String[] row : group.getValue()) {
        rows.addRowValues(row);
      }
      out.append(rows);
    }
    return out.toString();
  }

  /**
   * Per workload ("name: description"), its {@code -o} options sorted by key, as rows
   * ({@code key=default}, meaning).
   */
  static Map<String, List<String[]>> workloadOptions(Map<String, WorkloadFactory> workloads) {
    Map<String, List<String[]>> groups = new LinkedHashMap<>();
    for (WorkloadFactory factory : workloads.values()) {
      List<String[]> rows = new ArrayList<>();
      for (WorkloadOption option : WorkloadOption.sorted(factory.options())) {
        rows.add(new String[] {option.key() + "=" + option.defaultText(),
            option.description()});
      }
      groups.put(factory.name() + ": " + factory.description(), rows);
    }
    return groups;
  }
}
