#!/usr/bin/env bash
# Publishes `engine` and the benchmarks self-contained and trimmed for linux-x64 into publish/ (git-ignored),
# for a machine with no .NET (the GPU machine): `publish/engine/engine devices`,
# `publish/perf/Engine.Perf kernels --device cuda`. About 25 MiB each.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -v quiet -nologo)
dotnet publish src/Engine.Cli "${flags[@]}" -o publish/engine
dotnet publish perf/Engine.Perf "${flags[@]}" -o publish/perf
du -sh publish/engine publish/perf
