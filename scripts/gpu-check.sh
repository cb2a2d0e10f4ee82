#!/usr/bin/env bash
# The GPU checks and timings, in one run, for a GPU node without .NET (publish first: scripts/publish-device.sh):
#   bash scripts/gpu-check.sh [DEVICE] [OUT]      e.g. DEVICE=cuda:0, OUT=gpu-check
# 1. what the node offers; 2. a short run on the GPU beside the same run on the CPU (their loss curves must agree
# within 1e-4); 3. every kernel at the model's shapes against the peaks measured in the same run, and the 4096³ GEMM;
# 4. the default run and a width-512 depth-4 run on the GPU, timed. Everything lands in OUT (logs and run folders).
set -uo pipefail
cd "$(dirname "$0")/.."
device=${1:-cuda:0}
out=${2:-gpu-check}
engine=publish/engine/engine
perf=publish/perf/Engine.Perf
mkdir -p "$out"
step() { echo "== $*" | tee -a "$out/summary.txt"; }
step "devices"; $engine devices | tee "$out/devices.txt"
step "short run on $device and on cpu"
for d in "$device" cpu; do
  $engine train --device "$d" --out "$out/short-${d//:/-}" --entities 6 --relations 50 --epochs 30 > "$out/short-${d//:/-}.log" 2>&1
  echo "exit $? ($d)" | tee -a "$out/summary.txt"
done
python3 - "$out/short-${device//:/-}/metrics.jsonl" "$out/short-cpu/metrics.jsonl" <<'PY' | tee -a "$out/summary.txt"
import json, sys
gpu = [json.loads(l)["train_loss"] for l in open(sys.argv[1])]
cpu = [json.loads(l)["train_loss"] for l in open(sys.argv[2])]
worst = max(abs(g - c) / abs(c) for g, c in zip(gpu, cpu))
print(f"epochs {len(gpu)}/{len(cpu)}; worst relative loss difference {worst:.2e} ({'PASS' if worst < 1e-4 and len(gpu) == len(cpu) else 'FAIL'})")
PY
step "kernels on $device"; $perf kernels --device "$device" --naive 2>&1 | tee "$out/kernels.txt"
step "default run on $device"; ( time $engine train --device "$device" --out "$out/default" ) > "$out/default.log" 2>&1; tail -12 "$out/default.log" | tee -a "$out/summary.txt"
step "width 512, depth 4 on $device"; ( time $engine train --device "$device" --out "$out/w512-d4" --width 512 --depth 4 ) > "$out/w512-d4.log" 2>&1; tail -12 "$out/w512-d4.log" | tee -a "$out/summary.txt"
