using System.Globalization;
using Engine.Train.Config;

namespace Engine.Perf;

/// <summary>
/// The flags of <see cref="DefaultRunBenchmark"/>: the run's model and optimiser settings as <c>engine train</c> names
/// them, a comma list of weight decays (one run each), and how many steps the phase timings take.
/// </summary>
internal sealed record BenchmarkFlags(
    string Device, int Epochs, IReadOnlyList<double> WeightDecays, string Optimizer, double Lr, int Width, int Depth,
    bool Tied, int Steps, int NaiveSteps)
{
    /// <summary>The default run's settings with these flags and weight decay <paramref name="weightDecay"/>.</summary>
    public RunSettings Settings(double weightDecay) => new()
    {
        Device = Device, Epochs = Epochs, WeightDecay = weightDecay, Optimizer = Optimizer, Lr = Lr,
        Width = Width, Depth = Depth, Tied = Tied, CheckpointEvery = 100,
    };

    /// <exception cref="FormatException">An unknown flag or a value that does not parse (the message names it).</exception>
    public static BenchmarkFlags Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new FormatException($"unexpected argument '{args[i]}'");
            var name = args[i][2..];
            if (name is not ("device" or "epochs" or "weight-decay" or "optimizer" or "lr" or "width" or "depth" or "tied" or "steps" or "naive-steps"))
                throw new FormatException($"unknown flag --{name}");
            // --tied may stand alone; every other flag takes a value.
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (!hasValue && name != "tied") throw new FormatException($"--{name} needs a value");
            values[name] = hasValue ? args[++i] : "true";
        }
        string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        return new BenchmarkFlags(
            Text("device", "cpu"),
            Integer("epochs", Text("epochs", "1000")),
            Text("weight-decay", "0").Split(',').Select(v => Number("weight-decay", v)).ToArray(),
            Text("optimizer", "adam"),
            Number("lr", Text("lr", "0.001")),
            Integer("width", Text("width", "128")),
            Integer("depth", Text("depth", "1")),
            Text("tied", "false") switch
            {
                "true" => true,
                "false" => false,
                var other => throw new FormatException($"--tied takes true or false, got '{other}'"),
            },
            Integer("steps", Text("steps", "30"), minimum: 1),
            Integer("naive-steps", Text("naive-steps", "3"), minimum: 0));
    }

    private static int Integer(string name, string text, int minimum = 1) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new FormatException($"--{name} takes an integer ≥ {minimum}, got '{text}'");

    private static double Number(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new FormatException($"--{name} takes a number, got '{text}'");
}
