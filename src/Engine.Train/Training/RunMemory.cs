using Engine.Train.Config;

namespace Engine.Train.Training;

/// <summary>
/// An estimate of the device memory one run holds, from its settings alone (no device is opened), for
/// deciding how many runs can share a GPU. Legend: V vocabulary, C width, L depth, H heads, T = 3 input
/// tokens (the longest fact), R rows of a step. Counted in float32 elements:
/// <list type="bullet">
/// <item>parameters P = V·C (embedding) + V·C (head, unless tied) + L·(12C² + 13C) + 2C, held four times:
/// values, gradients and Adam's two moments;</item>
/// <item>activations of one step over R rows, A(R) = R·T·(C + L·(21C + H·T)) + R·V (21C per token and block:
/// ln_1, qkv, rope, mix, out, residual, ln_2, 4C fc, 4C gelu, proj, residual; H·T attention probabilities;
/// R·V the head logits at the supervised position); training keeps values and gradients (2·A(batch)),
/// probing only values over chunks of 256 rows (A(256)); the arena holds the larger, and may hold it twice
/// while it grows;</item>
/// <item>a fixed <see cref="FixedAllowanceBytes"/> for the stream, loaded kernels and small buffers.</item>
/// </list>
/// The vocabulary comes from the world settings (N + R + 1, + 1 with f_inv), also for a run that reads
/// its data from a folder. The estimate is meant to be generous, not exact.
/// </summary>
public static class RunMemory
{
    /// <summary>Tokens of the longest input (a compositional fact: h, r1, r2).</summary>
    private const int Tokens = 3;

    /// <summary>Per-run memory besides parameters and activations (an allowance, not a measurement).</summary>
    public const long FixedAllowanceBytes = 64L << 20;

    /// <summary>The parameter count P of a run's model (the formula above; attention-only models keep their MLP).</summary>
    public static long ParameterCount(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        long v = VocabularySize(settings), c = settings.Width;
        var embeddings = v * c * (settings.Tied ? 1 : 2);
        return embeddings + settings.Depth * (12 * c * c + 13 * c) + 2 * c;
    }

    /// <summary>The estimated device bytes of one run (see the class remarks).</summary>
    public static long EstimateBytes(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var parameters = 4 * ParameterCount(settings);
        var training = 2 * Activations(settings, settings.Batch);
        var probing = Activations(settings, ProbeRunner.Chunk);
        return sizeof(float) * (parameters + 2 * Math.Max(training, probing)) + FixedAllowanceBytes;
    }

    /// <summary>A(R): the float32 activations of one forward pass over <paramref name="rows"/> facts.</summary>
    private static long Activations(RunSettings settings, long rows)
    {
        long c = settings.Width;
        var perToken = c + settings.Depth * (21 * c + (long)settings.Heads * Tokens);
        return rows * Tokens * perToken + rows * VocabularySize(settings);
    }

    private static long VocabularySize(RunSettings settings) =>
        (long)settings.Entities + settings.Relations + (long)settings.Functors * (settings.FInverse ? 2 : 1);
}
