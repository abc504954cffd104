#!/usr/bin/env bash
# The convergence chart of issue 18: driving cost of the best plan against time on the demo day
# (the demo office's bookings on the generated town, planned whole), one and two threads.
#
#   benches/solver/convergence.sh [SECONDS] [OUT_DIR]     (default 60 s, benches/results)
#
# Writes OUT_DIR/convergence-demo-day.{csv,svg,png}; the PNG needs Debian's `chromium`
# (headless), as the browser tests do. Runs one plan at a time: each gets the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
out="${2:-benches/results}"
mkdir -p "$out"
cargo build --release -p vaxride-benches --bin plan_day
trace="$out/convergence-demo-day.csv"
rm -f "$trace"
for threads in 1 2; do
  target/release/plan_day "$seconds" 2022 --threads "$threads" --mode whole --trace "$trace"
done
svg="$out/convergence-demo-day.svg"
python3 benches/solver/convergence.py "$trace" "$svg" --seconds "$seconds" \
  --title "Demo day (228 elders), planned whole: best plan's driving cost, ${seconds} s"
if command -v chromium >/dev/null 2>&1; then
  chromium --headless --disable-gpu --no-sandbox --hide-scrollbars --window-size=900,540 \
    --screenshot="$out/convergence-demo-day.png" "file://$PWD/$svg" 2>/dev/null
  echo "wrote $out/convergence-demo-day.png"
else
  echo "chromium not found: $svg only"
fi
