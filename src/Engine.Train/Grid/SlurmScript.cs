using System.Text;

namespace Engine.Train.Grid;

/// <summary>Cluster settings of an emitted Slurm array job.</summary>
public sealed record SlurmOptions(string? Partition = null, int? GpusPerTask = null, string? Time = null, int CpusPerTask = 1);

/// <summary>
/// A Slurm array job whose task i runs run i of the grid: <c>engine grid FILE --out DIR --device D
/// --threads-per-run T --task-index $SLURM_ARRAY_TASK_ID</c>. The task line carries every option that
/// changes how a run executes (the device and its threads; <c>--jobs</c> has no effect on one run), so a
/// task trains exactly as a local <c>engine grid</c> with the same options would. Paths are absolute so
/// the script works from any submit folder.
/// </summary>
public static class SlurmScript
{
    public static string Build(string engineCommand, string gridFile, string outDir, int runCount, string device, int threadsPerRun,
        SlurmOptions options)
    {
        if (runCount < 1) throw new ArgumentException("a Slurm array needs at least one run", nameof(runCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerRun, 1);
        var logs = Path.Combine(Path.GetFullPath(outDir), "slurm");
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append("#SBATCH --job-name=engine-grid\n");
        text.Append($"#SBATCH --array=0-{runCount - 1}\n");
        text.Append($"#SBATCH --output={logs}/%A_%a.out\n");
        text.Append($"#SBATCH --cpus-per-task={options.CpusPerTask}\n");
        if (options.Partition is { } partition) text.Append($"#SBATCH --partition={partition}\n");
        if (options.GpusPerTask is { } gpus) text.Append($"#SBATCH --gpus-per-task={gpus}\n");
        if (options.Time is { } time) text.Append($"#SBATCH --time={time}\n");
        text.Append("set -euo pipefail\n");
        text.Append($"mkdir -p {Quote(logs)}\n");
        text.Append($"exec {engineCommand} grid {Quote(Path.GetFullPath(gridFile))} --out {Quote(Path.GetFullPath(outDir))} " +
                    $"--device {Quote(device)} --threads-per-run {threadsPerRun} --task-index \"$SLURM_ARRAY_TASK_ID\"\n");
        return text.ToString();
    }

    /// <summary>Single-quotes a shell word.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
