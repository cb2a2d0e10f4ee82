#!/usr/bin/env bash
# Publishes `engine` and the benchmarks self-contained, trimmed, as one compressed file each, for linux-x64, into
# publish/ (git-ignored) or the folder given: for a machine with no .NET (the GPU machine):
#   publish/engine/engine devices;  publish/perf/Engine.Perf kernels --device cuda
# About 22 MiB each. Only the framework is trimmed (TrimMode=partial); ILGPU needs trimming/ilgpu-roots.xml.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-publish}
flags=(-c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -p:PublishSingleFile=true
  -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none
  -p:GenerateDocumentationFile=false -v quiet -nologo)
dotnet publish src/Engine.Cli "${flags[@]}" -o "$out/engine"
dotnet publish perf/Engine.Perf "${flags[@]}" -o "$out/perf"
du -sh "$out/engine" "$out/perf"
