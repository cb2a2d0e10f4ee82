namespace Engine.Train.World;

/// <summary>
/// The shape of a dataset's graphs, read from its facts alone (so it works on datasets of the reference code
/// too): how dense E1 is, and per functor F_j how many of its category's atomic facts are exact images
/// (F_j(h), r, F_j(t)) of trained E1 edges (h, r, t) — all of them in an isomorphic world, fewer with
/// isomorphism noise. What <c>engine data inspect</c> shows.
/// </summary>
/// <param name="E1Edges">Ordered pairs (h, t) of E1 joined by an atomic fact (trained or held out).</param>
/// <param name="E1Pairs">k(k − 1), the ordered pairs h ≠ t of E1.</param>
/// <param name="Images">Per functor, F_1 first.</param>
public sealed record WorldStructure(int E1Edges, int E1Pairs, IReadOnlyList<CategoryImage> Images)
{
    /// <summary>E1Edges / E1Pairs: 1 for the complete graph, about ρ with edge_probability ρ.</summary>
    public double Density => E1Pairs == 0 ? double.NaN : (double)E1Edges / E1Pairs;

    /// <summary>Reads the structure of <paramref name="dataset"/>.</summary>
    public static WorldStructure Of(Dataset dataset)
    {
        List<Fact> atomic = [.. dataset.Probes[FactType.IdAtomic], .. dataset.Probes[FactType.OodAtomic]];
        var e1 = dataset.CategoryE1.ToHashSet();
        int edges = atomic.Where(f => e1.Contains(f.Input[0])).Select(f => (f.Input[0], f.Target)).Distinct().Count();
        List<Fact> trainedE1 = [.. dataset.Probes[FactType.IdAtomic].Where(f => e1.Contains(f.Input[0]))];
        var images = new List<CategoryImage>();
        foreach (FunctorMap functor in dataset.Functors)
        {
            var members = functor.Category.ToHashSet();
            var expected = new Dictionary<(int, int, int), int>();
            foreach (Fact f in trainedE1)
            {
                var key = (functor.Map[f.Input[0]], f.Input[1], functor.Map[f.Target]);
                expected[key] = expected.GetValueOrDefault(key) + 1;
            }
            int total = 0, exact = 0;
            foreach (Fact f in atomic.Where(f => members.Contains(f.Input[0])))
            {
                total++;
                var key = (f.Input[0], f.Input[1], f.Target);
                if (expected.GetValueOrDefault(key) > 0)
                {
                    expected[key]--;
                    exact++;
                }
            }
            images.Add(new CategoryImage(functor.Index, functor.CategoryName, total, exact, trainedE1.Count));
        }
        return new WorldStructure(edges, dataset.CategoryE1.Count * (dataset.CategoryE1.Count - 1), images);
    }
}

/// <summary>The atomic facts of one image category E_{j+1} against the F_j-images of E1's trained edges.</summary>
/// <param name="Functor">j.</param>
/// <param name="Category">E_{j+1}'s name.</param>
/// <param name="Edges">Atomic facts whose head is in the category.</param>
/// <param name="ExactImages">Of those, the ones that are (F_j(h), r, F_j(t)) of a trained E1 edge (counted as a multiset).</param>
/// <param name="TrainedE1Edges">Trained E1 edges, each of which an isomorphic world copies once.</param>
public sealed record CategoryImage(int Functor, string Category, int Edges, int ExactImages, int TrainedE1Edges)
{
    /// <summary>Edges that are not images of E1 edges: the rewired ones of isomorphism noise.</summary>
    public int Rewired => Edges - ExactImages;
}
