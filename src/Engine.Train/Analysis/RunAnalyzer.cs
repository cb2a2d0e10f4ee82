using Engine.Model;
using Engine.Train.Probes;
using Engine.Train.World;

namespace Engine.Train.Analysis;

/// <summary>
/// The layer-wise analyses of a trained model (TASK.md's "Analysis" layer), each on the residual stream x_ℓ at the
/// predicting position (the last input token; ℓ = 0 the token embedding there, ℓ = 1 … L the output of block ℓ):
/// <list type="bullet">
/// <item><b>logit lens</b>: per probe type, the final LayerNorm and head applied to x_ℓ — mean P(target) over all V,
/// mean rank of the target, share ranked first (at ℓ = L exactly the model's own output);</item>
/// <item><b>linear probe</b>: a ridge least-squares map from x_ℓ to the one-hot target entity (<see cref="LinearProbe"/>),
/// fitted on every trained fact (id_atomic, id_compositional, id_analogical of every functor) and scored — argmax
/// accuracy and mean rank among the N entities — on the fit set and on every probe type, above all ood_analogical;</item>
/// <item><b>Dirichlet energy</b> per functor F_j over the pairs (r_ℓ(e), r_ℓ(F_j(e))), e ∈ E1, where r_ℓ(e) is the stream
/// at the predicting position of the one-token input [e] (also that at position 0 of every fact about e, attention
/// being causal); r_0 is the embedding row, so layer 0 repeats the metrics' dirichlet_raw / dirichlet_norm.</item>
/// </list>
/// </summary>
public static class RunAnalyzer
{
    /// <summary>The default ridge α of the linear probe.</summary>
    public const double DefaultRidge = 1e-2;

    /// <summary>Analyses <paramref name="model"/> on <paramref name="dataset"/> (the tape is reset; nothing is recorded).</summary>
    /// <exception cref="ArgumentException">A negative ridge, or a world with no trained fact.</exception>
    public static AnalysisReport Analyze(Dataset dataset, Gpt<float> model, Tape<float> tape, double ridge, int? epoch, string checkpoint)
    {
        using var streams = new ResidualStreams(model, tape);
        var layers = streams.LayerCount;
        var types = dataset.ProbeTypes.Where(t => dataset.Probes[t].Count > 0).ToList();
        var facts = types.SelectMany(t => dataset.Probes[t]).ToList();
        var read = streams.Facts(facts);

        // Rows of `facts` per type, in order.
        var rowsOf = new Dictionary<ProbeType, int[]>();
        var next = 0;
        foreach (var type in types)
        {
            rowsOf[type] = [.. Enumerable.Range(next, dataset.Probes[type].Count)];
            next += rowsOf[type].Length;
        }

        var lens = new Dictionary<string, LensScores>();
        foreach (var type in types)
        {
            var rows = rowsOf[type];
            lens[type.Label] = new LensScores(rows.Length,
                [.. Enumerable.Range(0, layers).Select(l => rows.Average(r => read.Probability[l][r]))],
                [.. Enumerable.Range(0, layers).Select(l => rows.Average(r => (double)read.Rank[l][r]))],
                [.. Enumerable.Range(0, layers).Select(l => rows.Average(r => read.Rank[l][r] == 1 ? 1.0 : 0.0))]);
        }

        var entityCount = dataset.Vocabulary.TakeWhile(t => t.StartsWith("<e_", StringComparison.Ordinal)).Count();
        var fitted = types.Where(t => t.IsTrained).ToList();
        var fitRows = fitted.SelectMany(t => rowsOf[t]).ToArray();
        if (fitRows.Length == 0) throw new ArgumentException("the world has no trained fact to fit the linear probe on");
        var targets = facts.Select(f => f.Target).ToArray();
        var probes = Enumerable.Range(0, layers)
            .Select(l => LinearProbe.Fit(read.Residuals[l], fitRows, [.. fitRows.Select(r => targets[r])], entityCount, ridge)).ToArray();
        ProbeScores Scores(int[] rows)
        {
            var scored = Enumerable.Range(0, layers).Select(l => rows.Select(r => probes[l].Score(read.Residuals[l].Row(r), targets[r])).ToArray()).ToArray();
            return new ProbeScores(rows.Length,
                [.. scored.Select(s => s.Average(x => x.Correct ? 1.0 : 0.0))],
                [.. scored.Select(s => s.Average(x => (double)x.Rank))]);
        }
        var probe = new ProbeReport
        {
            Ridge = ridge,
            FittedOn = [.. fitted.Select(t => t.Label)],
            Classes = entityCount,
            Lambda = [.. probes.Select(p => p.Lambda)],
            Fit = Scores(fitRows),
            Types = types.ToDictionary(t => t.Label, t => Scores(rowsOf[t])),
        };

        var entities = streams.Tokens([.. Enumerable.Range(0, entityCount)]);
        var energy = dataset.Functors.Select(f =>
        {
            var pairs = dataset.CategoryE1.Select(e => (e, f.Map[e])).ToArray();
            var perLayer = entities.Select(rows => DirichletEnergy.Compute(rows, pairs)).ToArray();
            return new StreamEnergy(f.Index, f.Token,
                [.. perLayer.Select(d => Metrics.EpochMetrics.Defined(d.Raw))],
                [.. perLayer.Select(d => Metrics.EpochMetrics.Defined(d.Normalised))]);
        }).ToList();

        return new AnalysisReport
        {
            Epoch = epoch,
            Checkpoint = checkpoint,
            Layers = [.. Enumerable.Range(0, layers).Select(l => l == 0 ? "embedding" : $"block {l}")],
            LogitLens = lens,
            LinearProbe = probe,
            Dirichlet = energy,
        };
    }
}
