#!/usr/bin/env bash
# Times the book's checker and Stateright on TwoPhase, one after the other on this machine, and
# writes listings/modelcheck/measurements.csv for the chapter's table. Run from the repository root.
set -euo pipefail
cargo build --quiet --release -p modelcheck --example two_phase
cargo build --quiet --release --manifest-path comparisons/stateright/Cargo.toml
out=listings/modelcheck/measurements.csv
{
  echo "# comparisons/stateright/measure.sh on $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo "# seconds of wall-clock time and peak resident memory (KiB, from /usr/bin/time)"
  echo "checker,rms,distinct,seconds,peak_kib"
  for rms in 7 8 9; do
    for run in book stateright; do
      if [ "$run" = book ]; then
        cmd=(target/release/examples/two_phase --rms "$rms")
      else
        cmd=(comparisons/stateright/target/release/stateright-two-phase "$rms")
      fi
      text=$(/usr/bin/time -f "peak %M" "${cmd[@]}" 2>&1)
      distinct=$(echo "$text" | sed -n 's/.*distinct states: \([0-9]*\).*/\1/p')
      seconds=$(echo "$text" | sed -n 's/.*time: \([0-9.]*\) s.*/\1/p')
      peak=$(echo "$text" | sed -n 's/^peak \([0-9]*\)$/\1/p')
      echo "$run,$rms,$distinct,$seconds,$peak"
    done
  done
} > "$out"
cat "$out"
