package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlotSupportTest {

  @Test
  void aFullJdkCanPlot() {
    assertTrue(PlotSupport.unavailableReason().isEmpty(),
        () -> "the test JDK has java.desktop, yet: " + PlotSupport.unavailableReason());
  }

  @Test
  void aRuntimeWithoutJavaDesktopIsNamedAsTheReason() {
    Optional<String> reason = PlotSupport.unavailableReason(ModuleLayer.empty());
    assertTrue(reason.isPresent());
    assertTrue(reason.get().contains("java.desktop"), reason.get());
  }
}
