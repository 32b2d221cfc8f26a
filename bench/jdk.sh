# Sourced by bench/run and bench/peers/run: finding a JDK 25, building the bench jar, and
# OpenBLAS's kernel choice. The caller defines root (the repository root), jar (the path of
# bench/target/benchmarks.jar), prog (its name, for messages) and die (print and exit).

# Major version of a java executable (0 when it cannot say).
java_major() {
  local v
  v="$("$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1)"
  echo "${v:-0}"
}

find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] \
      && (( $(java_major "$JAVA_HOME/bin/java") >= 25 )); then
    echo "$JAVA_HOME/bin/java"
    return
  fi
  local d
  for d in /usr/lib/jvm/*25*; do
    if [[ -x "$d/bin/java" ]] && (( $(java_major "$d/bin/java") >= 25 )); then
      echo "$d/bin/java"
      return
    fi
  done
  die "needs a JDK 25 or newer (Vector API and FFM); JAVA_HOME=${JAVA_HOME:-<unset>} is not one" \
    "and there is none under /usr/lib/jvm/*25*. Set JAVA_HOME to a JDK 25."
}

# Whether the jar is missing or older than any source or pom it is built from.
jar_stale() {
  [[ ! -f "$jar" ]] && return 0
  local m newer
  for m in kernels native-bindings bsgm/core bsgm/problems bsgm/app bench; do
    if [[ -e "$root/$m" ]]; then
      newer="$(find "$root/$m/pom.xml" "$root/$m/src" -type f -newer "$jar" 2>/dev/null | head -n 1)"
      [[ -n "$newer" ]] && return 0
    fi
  done
  [[ "$root/pom.xml" -nt "$jar" ]]
}

build() {
  echo "$prog: building $jar ..." >&2
  (cd "$root" && JAVA_HOME="$(dirname "$(dirname "$JAVA")")" ./mvnw -q -pl bench -am package -DskipTests) \
    || die "the build failed (./mvnw -q -pl bench -am package -DskipTests)"
  [[ -f "$jar" ]] || die "the build did not produce $jar"
}

# OpenBLAS picks its kernels from the CPU model; in virtual machines that report a generic
# "Intel Xeon Processor" it falls back to the oldest (Prescott, SSE3) ones. For a fair
# comparison give it the kernels the CPU's flags allow, unless the user chose.
openblas_coretype() {
  if [[ -z "${OPENBLAS_CORETYPE:-}" && -r /proc/cpuinfo ]]; then
    if grep -qw avx512f /proc/cpuinfo; then
      export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then
      export OPENBLAS_CORETYPE=Haswell
    fi
  fi
}
