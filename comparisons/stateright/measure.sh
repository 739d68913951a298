#!/usr/bin/env bash
# Times the book's checker and Stateright on TwoPhase with 7, 8 and 9 resource managers, and
# writes listings/modelcheck/measurements.csv for chapter 5's table. Run from the repository root:
#   comparisons/stateright/measure.sh [REPETITIONS]
# Four checkers, alternating, REPETITIONS times (default 5) for each number of RMs:
#   book            the book's checker: breadth-first, one thread (`modelcheck two-phase`);
#   book-2          the book's checker: breadth-first, two threads (`modelcheck two-phase --threads 2`);
#   stateright      Stateright 0.31 on the book's model, packed the same way, breadth-first, every core
#                   (comparisons/stateright/src/main.rs);
#   stateright-2pc  Stateright's own two-phase-commit example as it ships in the stateright crate,
#                   run as shipped: `2pc check N`, depth-first, every core.
# Wall-clock seconds and peak resident memory come from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."
repetitions=${1:-5}
here=comparisons/stateright
cargo build --quiet --release -p modelcheck
cargo build --quiet --release --manifest-path $here/Cargo.toml
# The example ships in the stateright package that cargo downloaded; build a copy of it.
src=$(cargo metadata --quiet --format-version 1 --manifest-path $here/Cargo.toml |
  python3 -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "stateright").rsplit("/", 1)[0])')
copy=$here/target/stateright-package
rm -rf "$copy" && cp -r "$src" "$copy"
printf '\n[workspace]\n' >> "$copy/Cargo.toml" # its own workspace, not comparisons/stateright's
cargo build --quiet --release --example 2pc --manifest-path "$copy/Cargo.toml" --target-dir $here/target
out=listings/modelcheck/measurements.csv
{
  echo "# comparisons/stateright/measure.sh $repetitions"
  echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(rustc --version); $(date -u +%Y-%m-%d)"
  echo "# stateright $(basename "$src" | sed 's/stateright-//'); wall-clock seconds and peak resident memory (KiB) from /usr/bin/time"
  echo "checker,rms,repetition,distinct,seconds,peak_kib"
  for rms in 7 8 9; do
    for repetition in $(seq "$repetitions"); do
      for run in book book-2 stateright stateright-2pc; do
        case $run in
          book) cmd=(target/release/modelcheck two-phase --rms "$rms") ;;
          book-2) cmd=(target/release/modelcheck two-phase --rms "$rms" --threads 2) ;;
          stateright) cmd=($here/target/release/stateright-two-phase "$rms") ;;
          stateright-2pc) cmd=($here/target/release/examples/2pc check "$rms") ;;
        esac
        text=$(/usr/bin/time -f "wall %e peak %M" "${cmd[@]}" 2>&1)
        distinct=$(echo "$text" | sed -n -e 's/.*distinct states: \([0-9]*\).*/\1/p' -e 's/.*unique=\([0-9,]*\).*/\1/p' | tail -1 | tr -d ,)
        seconds=$(echo "$text" | sed -n 's/^wall \([0-9.]*\) peak.*/\1/p')
        peak=$(echo "$text" | sed -n 's/^wall .* peak \([0-9]*\)$/\1/p')
        echo "$run,$rms,$repetition,$distinct,$seconds,$peak"
      done
    done
  done
} > "$out"
cat "$out"
