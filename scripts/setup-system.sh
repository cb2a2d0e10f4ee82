#!/usr/bin/env bash
# Installs the Debian packages the engine and its tests use; idempotent and quiet. Run as root.
#  - ocl-icd-libopencl1 + PoCL: an OpenCL platform, so `engine devices` and the OpenCL suites meet a real device
#    (PoCL 3.1 lacks the generic address space ILGPU's OpenCL kernels need: it is listed as unusable, and the GPU
#    kernels run in CI on ILGPU's CPU accelerator instead).
#  - ptxas (CUDA 11.8, from Debian non-free nvidia-cuda-toolkit, unpacked without its dependencies into
#    /opt/engine/cuda-11.8/bin): the PTX suite assembles every kernel for sm_80 and sm_90 without a GPU.
#  - chromium: renders report.html headless in the report test.
#  - slurm-wlm, munge: a single-node Slurm (scripts/slurm-local.sh) for the sbatch array-job test.
set -euo pipefail
ptxas=/opt/engine/cuda-11.8/bin/ptxas
need=()
dpkg -s pocl-opencl-icd >/dev/null 2>&1 || need+=(pocl-opencl-icd)
dpkg -s ocl-icd-libopencl1 >/dev/null 2>&1 || need+=(ocl-icd-libopencl1)
dpkg -s chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s slurm-wlm >/dev/null 2>&1 || need+=(slurm-wlm)
dpkg -s munge >/dev/null 2>&1 || need+=(munge)
[ ${#need[@]} -eq 0 ] && [ -x "$ptxas" ] && exit 0
nonfree=/etc/apt/sources.list.d/engine-non-free.sources
if [ ! -f "$nonfree" ]; then
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  key=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  cat > "$nonfree" <<SRC
Types: deb
URIs: ${uri:-http://deb.debian.org/debian}
Suites: bookworm
Components: non-free
Signed-By: ${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
[ ${#need[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [ ! -x "$ptxas" ]; then
  work=$(mktemp -d)
  (cd "$work" && apt-get download -qq nvidia-cuda-toolkit >/dev/null 2>&1 && dpkg -x nvidia-cuda-toolkit_*.deb unpacked)
  mkdir -p "$(dirname "$ptxas")"
  install -m 0755 "$work/unpacked/usr/bin/ptxas" "$ptxas.tmp" && mv "$ptxas.tmp" "$ptxas"
  rm -rf "$work"
fi
