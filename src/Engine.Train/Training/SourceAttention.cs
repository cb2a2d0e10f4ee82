namespace Engine.Train.Training;

/// <summary>
/// Attention to the source (TASK.md §5): per layer and head, the running sum of the weight that the &lt;f&gt;
/// query of an (e, &lt;f&gt;) probe puts on the source key e, and how many such probes were summed. The sum and
/// the count grow together, so the mean is over exactly the facts summed (never over &lt;f_inv&gt; facts).
/// </summary>
internal sealed class SourceAttention(int layers, int heads)
{
    /// <summary>Σ over the counted facts of the weight, [layer, head].</summary>
    public double[,] Sum { get; } = new double[layers, heads];

    /// <summary>The number of (e, &lt;f&gt;) facts in <see cref="Sum"/>.</summary>
    public int Count { get; set; }

    /// <summary>The mean weight [layer][head] over every fact of <paramref name="parts"/> pooled; null where none was counted.</summary>
    public static IReadOnlyList<IReadOnlyList<double?>> Mean(params SourceAttention[] parts)
    {
        var count = parts.Sum(p => p.Count);
        var result = new List<IReadOnlyList<double?>>();
        for (var layer = 0; layer < parts[0].Sum.GetLength(0); layer++)
        {
            var row = new double?[parts[0].Sum.GetLength(1)];
            for (var h = 0; h < row.Length; h++)
                row[h] = count == 0 ? null : parts.Sum(p => p.Sum[layer, h]) / count;
            result.Add(row);
        }
        return result;
    }
}
