using CommandLine;
using Engine.Kernels;
using Engine.Train.Config;
using Engine.Train.Grid;
using Engine.Train.Training;
using Spectre.Console;

namespace Engine.Cli.Verbs;

[Verb("grid", HelpText = "Run a grid of runs (YAML/JSON: fixed, sweep, runs), longest expected first; re-running skips finished runs, " +
    "resumes unfinished ones and leaves alone those another process is training.")]
public sealed class GridOptions
{
    [Value(0, MetaName = "file", Required = true, HelpText = "Grid file (YAML or JSON).")]
    public string File { get; set; } = "";

    [Option("out", Required = true, HelpText = "Grid folder: grid.json and runs/<id>/.")]
    public string Out { get; set; } = "";

    [Option("jobs", HelpText = "Runs at once. Default on the CPU: cores / threads-per-run; on a GPU: as many runs as fit in 3/4 of " +
        "its memory by an estimate of the grid's largest run (parameters, gradients, Adam moments, activations, " +
        "head logits), at most one per CPU core and at most 8.")]
    public int? Jobs { get; set; }

    [Option("threads-per-run", Default = 1, HelpText = "CPU threads of each run.")]
    public int ThreadsPerRun { get; set; }

    [Option("device", Default = "cpu", HelpText = "cpu, cpu-ieee (IEEE subnormals), opencl[:i], cuda[:i] or auto.")]
    public string Device { get; set; } = "cpu";

    [Option("task-index", HelpText = "Run only run i (default: $SLURM_ARRAY_TASK_ID when set).")]
    public int? TaskIndex { get; set; }

    [Option("emit-slurm", HelpText = "Write a Slurm array job script to this path instead of running.")]
    public string? EmitSlurm { get; set; }

    [Option("partition", HelpText = "Slurm partition (with --emit-slurm).")]
    public string? Partition { get; set; }

    [Option("gpus-per-task", HelpText = "GPUs per Slurm task (with --emit-slurm).")]
    public int? GpusPerTask { get; set; }

    [Option("time", HelpText = "Slurm time limit, e.g. 02:00:00 (with --emit-slurm).")]
    public string? Time { get; set; }
}

/// <summary><c>engine grid</c>.</summary>
public static class GridVerb
{
    public static int Run(GridOptions options, TextWriter output)
    {
        if (options.ThreadsPerRun < 1) throw new SettingsException("threads-per-run", "must be at least 1");
        if (options.Jobs is < 1) throw new SettingsException("jobs", "must be at least 1");
        var spec = GridSpec.Load(options.File, new RunSettings());

        if (options.EmitSlurm is { } scriptPath)
        {
            // The device stays as given ("auto" included): each task resolves it on its own node.
            var planned = new GridRunner(spec, options.Out, options.Device, jobs: 1, options.ThreadsPerRun);
            Directory.CreateDirectory(Path.Combine(planned.Directory, "slurm")); // Slurm does not create log folders
            planned.WriteExpansion(Path.GetFullPath(options.File));
            var script = SlurmScript.Build(EngineCommand(), options.File, options.Out, planned.Runs.Count, options.Device,
                options.ThreadsPerRun, new SlurmOptions(options.Partition, options.GpusPerTask, options.Time, options.ThreadsPerRun));
            Engine.Model.AtomicFile.WriteAllText(scriptPath, script);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(scriptPath, File.GetUnixFileMode(scriptPath) | UnixFileMode.UserExecute);
            output.WriteLine($"wrote {scriptPath}: a Slurm array of {planned.Runs.Count} tasks (submit with: sbatch {scriptPath})");
            return 0;
        }

        using (TrainingDevice.Open(options.Device)) { } // a bad --device is bad input, not a failure of every run
        var onCpu = DeviceSpec.Parse(options.Device).IsHost;
        var inventory = onCpu ? null : DeviceInventory.Collect();
        var device = inventory?.Resolve(options.Device) ?? options.Device; // "auto" → what it picks, once for all runs
        var runs = spec.Expand();
        var jobs = options.Jobs ?? GridJobs.Default(device, runs.Select(r => r.Settings).ToList(), options.ThreadsPerRun,
            Environment.ProcessorCount, d => inventory?.MemoryBytes(d));
        var runner = new GridRunner(spec, options.Out, device, jobs, options.ThreadsPerRun);
        var taskIndex = options.TaskIndex ?? SlurmTaskIndex();
        runner.WriteExpansion(Path.GetFullPath(options.File));
        output.WriteLine($"engine grid: {runner.Runs.Count} runs → {runner.Directory}" +
            (taskIndex is { } t ? $" (task {t} only)" : $", {jobs} at a time") + $" on {runner.RunDevice}");
        var outcome = Console.IsOutputRedirected || output != Console.Out
            ? runner.Run(taskIndex, p => { if (p.Event is { } e) output.WriteLine($"{Overview(p)}  {e}"); })
            : RunLive(runner, taskIndex);
        output.WriteLine($"grid done: {outcome.Finished}/{outcome.Total} finished ({outcome.Skipped} already), {outcome.Failed} failed" +
            (outcome.Locked > 0 ? $", {outcome.Locked} left to another process that is training them" : ""));
        if (outcome.Failed == 0) return 0;
        Console.Error.WriteLine($"engine: {outcome.Failed} of {outcome.Total} runs failed (the reasons are in {Path.Combine(runner.Directory, "runs")}/<id>/failed.json)");
        return 1;
    }

    private static GridOutcome RunLive(GridRunner runner, int? taskIndex)
    {
        GridOutcome? outcome = null;
        AnsiConsole.Status().Start("starting", context =>
        {
            outcome = runner.Run(taskIndex, p =>
            {
                context.Status(Markup.Escape(Overview(p)));
                if (p.Event is { } e && e.Contains("FAILED", StringComparison.Ordinal)) AnsiConsole.MarkupLine($"[red]{Markup.Escape(e)}[/]");
                else if (p.Event is { } s && s.Contains("another process", StringComparison.Ordinal)) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(s)}[/]");
            });
        });
        return outcome!;
    }

    private static string Overview(GridProgress p) =>
        $"[{p.Done}/{p.Total} done, {p.Running} running, {p.Failed} failed{(p.Locked > 0 ? $", {p.Locked} locked elsewhere" : "")}] {Clock(p.Elapsed)}" +
        (p.Remaining is { } r ? $" ETA {Clock(r)}" : "");

    /// <summary>hh:mm:ss with the hours counted on past 24 (a CPU sweep can run for days): 1 d 2 h 3 min 4 s is "26:03:04".</summary>
    public static string Clock(TimeSpan t)
    {
        var seconds = (long)Math.Max(0, t.TotalSeconds);
        return $"{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}";
    }

    private static int? SlurmTaskIndex()
    {
        var text = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
        if (string.IsNullOrEmpty(text)) return null;
        return int.TryParse(text, out var i) ? i : throw new SettingsException("task-index", $"SLURM_ARRAY_TASK_ID='{text}' is not an integer");
    }

    /// <summary>How to start this same engine from a batch script: the apphost, or dotnet + engine.dll.</summary>
    private static string EngineCommand()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "engine.dll");
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? $"{SlurmScript.Quote(process)} {SlurmScript.Quote(dll)}"
            : SlurmScript.Quote(process);
    }
}
