using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Train.Config;

/// <summary>
/// Every setting of one run: data (the world), model and optimisation. Configuration is data: one
/// record with defaults, filled from a YAML file and/or flags, written resolved to <c>config.json</c>.
/// </summary>
public sealed record RunSettings
{
    // ---- data (TASK.md §1)
    public int Entities { get; init; } = 10;
    public int Relations { get; init; } = 10000;
    /// <summary>|E1| = |E2| = k; null means N/2.</summary>
    public int? CategorySize { get; init; }
    public double AtomicOod { get; init; }
    public double CompositionalOod { get; init; } = 0.1;
    public double AnalogicalOod { get; init; } = 0.4;
    public bool FInverse { get; init; }
    public bool DuplicateRelation { get; init; }
    public int DataSeed { get; init; } = 42;
    /// <summary>Read the dataset from this folder (reference layout) instead of generating it.</summary>
    public string? DataDir { get; init; }
    // The world variants below are not in the reference. Each is left out of config.json at its default, so the
    // file (and the run id hashed from it) of a run that does not use them is what it was before they existed.
    /// <summary>ρ: each ordered pair of E1 is an atomic edge with this probability (1: the complete graph).</summary>
    [OmittedWhen(1.0)] public double EdgeProbability { get; init; } = 1.0;
    /// <summary>η: the share of each image category's copied edges that get another tail (0: exact isomorphism).</summary>
    [OmittedWhen(0.0)] public double IsomorphismNoise { get; init; }
    /// <summary>m: the number of functors F_j: E1 → E_{j+1}, each with its own token and analogical facts.</summary>
    [OmittedWhen(1)] public int Functors { get; init; } = 1;

    // ---- model (TASK.md §3)
    public int Width { get; init; } = 128;
    public int Depth { get; init; } = 1;
    public int Heads { get; init; } = 1;
    public bool Tied { get; init; }
    public bool AttentionOnly { get; init; }
    public double RopeBase { get; init; } = 100;

    // ---- training (TASK.md §4)
    /// <summary>"adam" (Adam with coupled L2, the reference) or "adamw" (decoupled).</summary>
    public string Optimizer { get; init; } = "adam";
    public double Lr { get; init; } = 1e-3;
    public double WeightDecay { get; init; }
    public int Batch { get; init; } = 64;
    public int Epochs { get; init; } = 1000;
    /// <summary>Linear warmup steps (step s uses lr·min(1, s/warmup), as the reference scheduler).</summary>
    public int Warmup { get; init; }
    /// <summary>Training seed (initialisation and batch order), separate from <see cref="DataSeed"/>.</summary>
    public int Seed { get; init; } = 42;
    public int EvalEvery { get; init; } = 1;
    /// <summary>Checkpoint every this many epochs (0: only at the end).</summary>
    public int CheckpointEvery { get; init; } = 100;
    public string Device { get; init; } = "cpu";
    /// <summary>Run the layer-wise analyses (logit lens, linear probe, residual Dirichlet energy) at every checkpoint
    /// into analysis.jsonl, and the last one into analysis.json. Left out of config.json when off.</summary>
    [OmittedWhen(false)] public bool Analyze { get; init; }

    /// <summary>The world knobs of these settings.</summary>
    public World.WorldSettings ToWorldSettings() => new(
        Entities, Relations, CategorySize, AtomicOod, CompositionalOod, AnalogicalOod, FInverse, DuplicateRelation,
        (ulong)DataSeed, EdgeProbability, IsomorphismNoise, Functors);

    /// <summary>Throws <see cref="SettingsException"/> naming the first invalid setting by its flag; the world
    /// settings are checked as the generator checks them unless the dataset is read from <see cref="DataDir"/>.</summary>
    public RunSettings Validate()
    {
        Require(Entities >= 2, "entities", $"must be at least 2 (got {Entities})");
        Require(Relations >= 1, "relations", $"must be at least 1 (got {Relations})");
        Require(Functors >= 1, "functors", $"must be at least 1 (got {Functors})");
        if (CategorySize is { } k)
        {
            Require(k >= 2, "category-size", $"must be at least 2 (got {k})");
            Require((Functors + 1L) * k <= Entities, "category-size", Functors == 1
                ? $"2·k = {2 * k} exceeds entities = {Entities}"
                : $"{Functors + 1}·k = {(Functors + 1L) * k} exceeds entities = {Entities} ({Functors + 1} categories for {Functors} functors)");
        }
        Ratio(AtomicOod, "atomic-ood");
        Ratio(CompositionalOod, "compositional-ood");
        Ratio(AnalogicalOod, "analogical-ood");
        Require(double.IsFinite(EdgeProbability) && EdgeProbability is > 0 and <= 1, "edge-probability", $"must be in (0, 1] (got {EdgeProbability})");
        Ratio(IsomorphismNoise, "isomorphism-noise");
        if (DataDir is null) ValidateWorld();
        Require(Width >= 1, "width", $"must be positive (got {Width})");
        Require(Depth >= 1, "depth", $"must be positive (got {Depth})");
        Require(Heads >= 1, "heads", $"must be positive (got {Heads})");
        Require(Width % Heads == 0, "heads", $"width {Width} is not divisible by heads {Heads}");
        Require(Width / Heads % 2 == 0, "heads", $"head size {Width / Heads} must be even for RoPE");
        Require(double.IsFinite(RopeBase) && RopeBase > 1, "rope-base", $"must be a finite number > 1 (got {RopeBase})");
        Require(Optimizer is "adam" or "adamw", "optimizer", $"must be adam or adamw (got '{Optimizer}')");
        Require(double.IsFinite(Lr) && Lr > 0, "lr", $"must be a positive number (got {Lr})");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, "weight-decay", $"must be ≥ 0 (got {WeightDecay})");
        Require(Batch >= 1, "batch", $"must be positive (got {Batch})");
        Require(Epochs >= 1, "epochs", $"must be positive (got {Epochs})");
        Require(Warmup >= 0, "warmup", $"must be ≥ 0 (got {Warmup})");
        Require(EvalEvery >= 1, "eval-every", $"must be positive (got {EvalEvery})");
        Require(CheckpointEvery >= 0, "checkpoint-every", $"must be ≥ 0 (got {CheckpointEvery})");
        Require(Seed >= 0, "seed", $"must be ≥ 0 (got {Seed})");
        Require(DataSeed >= 0, "data-seed", $"must be ≥ 0 (got {DataSeed})");
        return this;
    }

    /// <summary>The generator's own checks (N ≥ 6, 3 ≤ k ≤ N/2, enough relations, …), named by flag.</summary>
    private void ValidateWorld()
    {
        try
        {
            ToWorldSettings().Validate();
        }
        catch (World.WorldSettingsException e)
        {
            var flag = e.Setting switch
            {
                World.WorldSettings.Names.Entities => "entities",
                World.WorldSettings.Names.Relations => "relations",
                World.WorldSettings.Names.CategorySize => "category-size",
                World.WorldSettings.Names.AtomicOodRatio => "atomic-ood",
                World.WorldSettings.Names.CompositionalOodRatio => "compositional-ood",
                World.WorldSettings.Names.AnalogicalOodRatio => "analogical-ood",
                World.WorldSettings.Names.EdgeProbability => "edge-probability",
                World.WorldSettings.Names.IsomorphismNoise => "isomorphism-noise",
                World.WorldSettings.Names.Functors => "functors",
                _ => e.Setting,
            };
            throw new SettingsException(flag, e.Reason);
        }
    }

    private static void Ratio(double value, string name) =>
        Require(double.IsFinite(value) && value is >= 0 and <= 1, name, $"must be in [0, 1] (got {value})");

    private static void Require(bool condition, string setting, string message)
    {
        if (!condition) throw new SettingsException(setting, message);
    }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NewLine = "\n", // not Environment.NewLine: run ids hash this text and must not depend on the OS
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = OmittedWhenAttribute.Resolver(),
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="SettingsException">The text is not a valid settings object.</exception>
    public static RunSettings FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<RunSettings>(json, StrictJson) ?? throw new SettingsException(source, "is empty");
        }
        catch (JsonException e)
        {
            throw new SettingsException(source, $"is not a valid settings file: {e.Message}");
        }
    }

    private static readonly JsonSerializerOptions StrictJson = new(Json)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}

/// <summary>An invalid setting; the message starts with the setting's flag name.</summary>
public sealed class SettingsException(string setting, string problem) : ArgumentException($"{setting}: {problem}")
{
    public string Setting { get; } = setting;

    /// <summary>A bad <paramref name="setting"/> told by <paramref name="error"/>'s message, without the " (Parameter 'name')" the runtime appends.</summary>
    public static SettingsException FromArgument(string setting, ArgumentException error)
    {
        var problem = error.ParamName is { } name
            ? error.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : error.Message;
        return new SettingsException(setting, problem);
    }
}
