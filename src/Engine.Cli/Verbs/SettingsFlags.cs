using CommandLine;
using Engine.Train.Config;

namespace Engine.Cli.Verbs;

/// <summary>
/// Every setting of TASK.md as a kebab-case flag. Each is nullable: a flag that is not given leaves the
/// value from --config (or the default) alone, so flags override the file.
/// </summary>
public abstract class SettingsFlags
{
    [Option("config", HelpText = "YAML config in the reference layout (sections data / model / training); flags override it.")]
    public string? Config { get; set; }

    [Option("data", HelpText = "Read the dataset from this folder (vocab.json, train.json, test.json) instead of generating it.")]
    public string? Data { get; set; }

    [Option("device", HelpText = "cpu, cpu:THREADS, cpu-ieee[:THREADS] (IEEE subnormals), opencl[:i], cuda[:i] or auto (default cpu).")]
    public string? Device { get; set; }

    // ---- world
    [Option("entities", HelpText = "Number of entities N (default 10).")] public int? Entities { get; set; }
    [Option("relations", HelpText = "Number of relations R (default 10000).")] public int? Relations { get; set; }
    [Option("category-size", HelpText = "Category size k = |E1| = |E2| (default N/2).")] public int? CategorySize { get; set; }
    [Option("atomic-ood", HelpText = "Held-out share of E1 atomic edges (default 0).")] public double? AtomicOod { get; set; }
    [Option("compositional-ood", HelpText = "Near-OOD share of two-hop facts (default 0.1).")] public double? CompositionalOod { get; set; }
    [Option("analogical-ood", HelpText = "Held-out share of analogical facts (default 0.4).")] public double? AnalogicalOod { get; set; }
    [Option("f-inverse", HelpText = "Also generate <f_inv> facts (a switch).")] public bool FInverse { get; set; }
    [Option("duplicate-relation", HelpText = "Allow a head's out-edges to share a relation (a switch).")] public bool DuplicateRelation { get; set; }
    [Option("data-seed", HelpText = "Seed of the world (default 42).")] public int? DataSeed { get; set; }
    [Option("edge-probability", HelpText = "ρ: keep each ordered E1 pair as an atomic edge with this probability (default 1: complete graph).")] public double? EdgeProbability { get; set; }
    [Option("isomorphism-noise", HelpText = "η: share of each image category's copied edges given another tail (default 0: exact copies).")] public double? IsomorphismNoise { get; set; }
    [Option("functors", HelpText = "m: number of functors F_j: E1 → E_{j+1}, tokens <f>, <f_2>, … (default 1).")] public int? Functors { get; set; }

    // ---- model
    [Option("width", HelpText = "Model width d (default 128).")] public int? Width { get; set; }
    [Option("depth", HelpText = "Number of blocks (default 1).")] public int? Depth { get; set; }
    [Option("heads", HelpText = "Attention heads (default 1).")] public int? Heads { get; set; }
    [Option("tied", HelpText = "Tie the output head to the token embedding (a switch; default off).")] public bool Tied { get; set; }
    [Option("attention-only", HelpText = "Blocks without MLP (a switch; default off).")] public bool AttentionOnly { get; set; }
    [Option("rope-base", HelpText = "RoPE base (default 100).")] public double? RopeBase { get; set; }

    // ---- training
    [Option("optimizer", HelpText = "adam (coupled L2, the reference) or adamw (default adam).")] public string? Optimizer { get; set; }
    [Option("lr", HelpText = "Learning rate (default 1e-3).")] public double? Lr { get; set; }
    [Option("weight-decay", HelpText = "Weight decay λ (default 0).")] public double? WeightDecay { get; set; }
    [Option("batch", HelpText = "Batch size (default 64).")] public int? Batch { get; set; }
    [Option("epochs", HelpText = "Epochs (default 1000).")] public int? Epochs { get; set; }
    [Option("warmup", HelpText = "Linear warmup steps (default 0).")] public int? Warmup { get; set; }
    [Option("seed", HelpText = "Training seed: initialisation and batch order (default 42).")] public int? Seed { get; set; }
    [Option("eval-every", HelpText = "Probe every this many epochs (default 1).")] public int? EvalEvery { get; set; }
    [Option("checkpoint-every", HelpText = "Checkpoint every this many epochs; 0 = only at the end (default 100).")] public int? CheckpointEvery { get; set; }
    [Option("analyze", HelpText = "Run engine analyze at every checkpoint into analysis.jsonl, the last into analysis.json (a switch).")] public bool Analyze { get; set; }

    /// <summary>Defaults, then --config, then the flags that were given; validated.</summary>
    /// <exception cref="SettingsException">A bad file or value (the message names it).</exception>
    public RunSettings Resolve()
    {
        var s = new RunSettings();
        if (Config is not null) s = YamlConfig.Load(Config, s);
        return Override(s).Validate();
    }

    public RunSettings Override(RunSettings s) => s with
    {
        DataDir = Data ?? s.DataDir,
        Device = Device ?? s.Device,
        Entities = Entities ?? s.Entities,
        Relations = Relations ?? s.Relations,
        CategorySize = CategorySize ?? s.CategorySize,
        AtomicOod = AtomicOod ?? s.AtomicOod,
        CompositionalOod = CompositionalOod ?? s.CompositionalOod,
        AnalogicalOod = AnalogicalOod ?? s.AnalogicalOod,
        FInverse = FInverse || s.FInverse,
        DuplicateRelation = DuplicateRelation || s.DuplicateRelation,
        DataSeed = DataSeed ?? s.DataSeed,
        EdgeProbability = EdgeProbability ?? s.EdgeProbability,
        IsomorphismNoise = IsomorphismNoise ?? s.IsomorphismNoise,
        Functors = Functors ?? s.Functors,
        Width = Width ?? s.Width,
        Depth = Depth ?? s.Depth,
        Heads = Heads ?? s.Heads,
        Tied = Tied || s.Tied,
        AttentionOnly = AttentionOnly || s.AttentionOnly,
        RopeBase = RopeBase ?? s.RopeBase,
        Optimizer = Optimizer?.ToLowerInvariant() ?? s.Optimizer,
        Lr = Lr ?? s.Lr,
        WeightDecay = WeightDecay ?? s.WeightDecay,
        Batch = Batch ?? s.Batch,
        Epochs = Epochs ?? s.Epochs,
        Warmup = Warmup ?? s.Warmup,
        Seed = Seed ?? s.Seed,
        EvalEvery = EvalEvery ?? s.EvalEvery,
        CheckpointEvery = CheckpointEvery ?? s.CheckpointEvery,
        Analyze = Analyze || s.Analyze,
    };
}
