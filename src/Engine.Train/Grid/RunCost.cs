using Engine.Train.Config;
using Engine.Train.Training;

namespace Engine.Train.Grid;

/// <summary>
/// The expected compute of one run, from its settings alone (no world is generated, no file read), in
/// floating-point operations. Only ratios between runs matter: a grid starts its longest-expected runs first and
/// its ETA spreads the measured speed over the runs still to come. Legend: k category size, m functors,
/// ρ edge probability, a / c / g the atomic / compositional / analogical held-out ratios, i = 2 with f_inv
/// (else 1), C width, L depth, V vocabulary (N + R + m·i), T = 3 tokens, B batch, E epochs, P parameters
/// (<see cref="RunMemory.ParameterCount"/>).
/// <list type="bullet">
/// <item>facts, as the world generator makes them on average: trained edges have density d = ρ(1 − a) among the
/// k(k − 1) ordered pairs of each of the m + 1 categories, two-hop paths k(k − 1)(k − 2)·density²;
/// trained F = (m + 1)·[d·k(k − 1) + (1 − c)·d²·k(k − 1)(k − 2)] + m·i·k·(1 − g);
/// probed Q = (ρ + m·d)·k(k − 1) + (ρ² + m·d²)·k(k − 1)(k − 2) + m·i·k;</item>
/// <item>one fact's forward pass f = 2·T·L·(12C² + 2·T·C) + 2·V·C (the blocks' matrix products and attention
/// at every token, the head at the supervised one); a training step costs 3f per fact (forward and backward)
/// and 10·P for Adam's update;</item>
/// <item>a run: E·(3f·F + 10·P·⌈F / B⌉) + passes·f·Q, with passes = ⌈E / eval_every⌉ probe passes (every
/// eval_every epochs and at the last).</item>
/// </list>
/// Not counted: checkpoints, the world's generation, the part of a run trained before a resume, and whether a run
/// reads its data from a folder (the world settings are taken as given).
/// </summary>
public static class RunCost
{
    private const int Tokens = 3;

    /// <summary>The estimate above, in flops (always positive).</summary>
    public static double Estimate(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double trained = TrainedFacts(settings), probed = ProbedFacts(settings);
        double c = settings.Width, depth = settings.Depth;
        double vocabulary = settings.Entities + settings.Relations + settings.Functors * Inverse(settings);
        var forward = 2 * Tokens * depth * (12 * c * c + 2 * Tokens * c) + 2 * vocabulary * c;
        var adam = 10.0 * RunMemory.ParameterCount(settings);
        var steps = Math.Ceiling(Math.Max(trained, 1) / settings.Batch);
        var passes = Math.Ceiling((double)settings.Epochs / settings.EvalEvery);
        var cost = settings.Epochs * (3 * forward * trained + adam * steps) + passes * forward * probed;
        return Math.Max(cost, 1);
    }

    /// <summary>F: the expected number of trained facts (see the class remarks).</summary>
    public static double TrainedFacts(RunSettings settings)
    {
        var (k, m, d) = Shape(settings);
        return (m + 1) * (d * k * (k - 1) + (1 - settings.CompositionalOod) * d * d * k * (k - 1) * (k - 2))
            + m * Inverse(settings) * k * (1 - settings.AnalogicalOod);
    }

    /// <summary>Q: the expected number of probed facts, held-out ones included (see the class remarks).</summary>
    public static double ProbedFacts(RunSettings settings)
    {
        var (k, m, d) = Shape(settings);
        double rho = settings.EdgeProbability;
        return (rho + m * d) * k * (k - 1) + (rho * rho + m * d * d) * k * (k - 1) * (k - 2) + m * Inverse(settings) * k;
    }

    /// <summary>k, m and the density d = ρ(1 − a) of trained edges.</summary>
    private static (double K, double M, double Density) Shape(RunSettings settings) =>
        (settings.ToWorldSettings().ResolvedCategorySize, settings.Functors, settings.EdgeProbability * (1 - settings.AtomicOod));

    private static double Inverse(RunSettings settings) => settings.FInverse ? 2 : 1;
}
