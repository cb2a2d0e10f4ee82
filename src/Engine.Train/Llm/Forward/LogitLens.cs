namespace Engine.Train.Llm;

/// <summary>The host side of the logit lens: one row of float32 logits → (log P(target), P(target), rank), in float64.</summary>
public static class LogitLens
{
    /// <summary>
    /// log P(target) = logits[target] − (max + ln Σ_v exp(logits[v] − max)) (max subtracted, float64 sums);
    /// Rank = 1 + #{v : logits[v] &gt; logits[target]}.
    /// </summary>
    public static LensReading Read(ReadOnlySpan<float> logits, int target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(target, logits.Length);
        var max = double.NegativeInfinity;
        foreach (var value in logits) max = Math.Max(max, value);
        var sum = 0.0;
        var above = 0;
        var targetLogit = logits[target];
        foreach (var value in logits)
        {
            sum += Math.Exp(value - max);
            if (value > targetLogit) above++;
        }
        var logProb = targetLogit - (max + Math.Log(sum));
        return new LensReading(logProb, Math.Exp(logProb), 1 + above);
    }
}
