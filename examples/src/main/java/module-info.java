/** A user-defined bilevel problem on the library core, run on the module path by its test. */
module io.github.bilevel.examples {
  requires io.github.bilevel.bsgm.core;
}
