namespace Engine.Train.World;

/// <summary>
/// Generates the analogy world of TASK.md §1 from <see cref="WorldSettings"/>; the same settings
/// (seed included) give the same dataset on every machine. Draws, in this order, from one
/// <see cref="WorldRandom"/> seeded with the data seed (m = number of functors, 1 in the reference):
/// <list type="number">
/// <item>a permutation of the N entities: E1 = its first k, E2 the next k, … E_{m+1}, the rest is the
/// "other" pool (those tokens stay in the vocabulary but get no facts);</item>
/// <item>a shuffle of E2 giving F(E1[i]) = shuffled[i]; with m ≥ 2, then a shuffle of E3 giving F_2, and so on;</item>
/// <item>only when edge_probability ρ &lt; 1: one uniform u ∈ [0, 1) per ordered pair (h, t), h ≠ t, of E1
/// (heads, then tails, in E1 order); the edge exists iff u &lt; ρ (ρ = 1 draws nothing: the complete graph);</item>
/// <item>relation labels: for each head h of E1 (in E1 order), its out-edges (tails in E1 order) take the first
/// deg(h) entries of a fresh seeded permutation of all R relations, so they are distinct per head and every
/// relation is equally likely; with duplicate_relation each label is an independent uniform draw from all R (a
/// head may repeat one, as in the reference);</item>
/// <item>a shuffle of the M E1 edges: the first round(M·(1 − atomic_ood_ratio)) (<see cref="SplitRounding"/>) are
/// trained, the rest held out; each trained edge (h, r, t) is copied to every image category as (F_j(h), r, F_j(t));</item>
/// <item>only when isomorphism_noise η &gt; 0, for each image category in order: a shuffle of its M' copies, of
/// which the first M' − round(M'·(1 − η)) are rewired: each gets a new tail drawn uniformly from the category
/// without the edge's head and its old tail (so it stays a fact of its category, is never a loop, and its
/// (head, relation) still names one tail);</item>
/// <item>one uniform u ∈ [0, 1) per two-hop fact that uses no held-out edge, the fact being near-OOD
/// iff u &lt; compositional_ood_ratio (so 0 never and 1 always holds out); paths over a held-out
/// E1 edge are far-OOD and draw nothing. Paths run within each category over its own atomic facts,
/// E1 first, then E2, … E_{m+1}: all E1 edges in E1, the (possibly rewired) copies in the others, so no image
/// category has a path through a held-out edge;</item>
/// <item>a shuffle of the analogical facts (e, &lt;f&gt;, F(e)) in E1 order: the first
/// round(k·(1 − analogical_ood_ratio)) are ID, the rest OOD; with include_f_inverse each inverse
/// fact (F(e), &lt;f_inv&gt;, e) shares the split of its forward fact, so a held-out pair is
/// unseen in both directions; with m ≥ 2 the same for F_2 (token &lt;f_2&gt;, types id_analogical_2 and
/// ood_analogical_2) with its own shuffle, and so on, so each functor holds out its own sources.</item>
/// </list>
/// At ρ = 1, η = 0 and m = 1 no step draws anything the reference world did not, so those worlds are the
/// ones this generator made before the three settings existed.
/// Where the reference (toy_model/src/data/builder.py) differs: it also gives "other" entities a
/// random complete graph of facts, and it splits forward and inverse analogical facts as one pool of
/// 2k; its draws come from NumPy, so its worlds are not reproduced draw for draw.
/// </summary>
public static class AnalogyWorld
{
    private readonly record struct Edge(int Head, int Relation, int Tail, bool HeldOut);

    /// <summary>Generates the dataset for <paramref name="settings"/>.</summary>
    /// <exception cref="WorldSettingsException">A setting is out of range, or ρ is so small that E1 keeps no edge.</exception>
    public static Dataset Generate(WorldSettings settings)
    {
        settings.Validate();
        var rng = new WorldRandom(settings.Seed);
        int n = settings.Entities, r = settings.Relations, k = settings.ResolvedCategorySize, m = settings.Functors;

        int[] entityOrder = rng.Permutation(n);
        int[] e1 = entityOrder[..k];
        var functors = new List<FunctorMap>(m);
        for (int j = 1; j <= m; j++)
        {
            int[] category = entityOrder[(j * k)..((j + 1) * k)];
            int[] images = [.. category];
            rng.Shuffle(images);
            var map = new Dictionary<int, int>();
            for (int i = 0; i < k; i++) map[e1[i]] = images[i];
            functors.Add(new FunctorMap(j, category, map));
        }

        List<Edge> e1Edges = LabelGraph(e1, SampleEdges(e1, settings, rng), settings, rng);
        e1Edges = HoldOutAtomic(e1Edges, settings.AtomicOodRatio, rng);
        List<List<Edge>> imageEdges = [.. functors.Select(f => e1Edges.Where(e => !e.HeldOut)
            .Select(e => new Edge(f.Map[e.Head], e.Relation, f.Map[e.Tail], false)).ToList())];
        for (int j = 0; j < m; j++)
            imageEdges[j] = Rewire(imageEdges[j], functors[j].Category, settings.IsomorphismNoise, rng);

        var probes = ProbeType.For(m).ToDictionary(t => t, _ => new List<Fact>());
        foreach (Edge edge in e1Edges.Concat(imageEdges.SelectMany(edges => edges)))
        {
            FactType type = edge.HeldOut ? FactType.OodAtomic : FactType.IdAtomic;
            probes[type].Add(new Fact(type, [edge.Head, edge.Relation], edge.Tail));
        }

        AddTwoHopFacts(e1, e1Edges, settings.CompositionalOodRatio, rng, probes);
        for (int j = 0; j < m; j++)
            AddTwoHopFacts([.. functors[j].Category], imageEdges[j], settings.CompositionalOodRatio, rng, probes);
        var vocabulary = WorldTokens.Vocabulary(settings);
        foreach (FunctorMap functor in functors)
            AddAnalogicalFacts(e1, functor, Array.IndexOf(vocabulary, functor.Token), settings, rng, probes);

        List<Fact> training = [.. ProbeType.For(m).Where(t => t.IsTrained).SelectMany(t => probes[t])];
        return new Dataset(settings, vocabulary, training,
            probes.ToDictionary(p => p.Key, p => (IReadOnlyList<Fact>)p.Value), e1, functors, categoriesRecovered: false);
    }

    /// <summary>The ordered pairs (h, t), h ≠ t, of the category that are edges: all of them at ρ = 1, else each with probability ρ.</summary>
    private static List<(int Head, int Tail)> SampleEdges(int[] category, WorldSettings settings, WorldRandom rng)
    {
        var pairs = new List<(int, int)>(category.Length * (category.Length - 1));
        foreach (int head in category)
            foreach (int tail in category)
                if (tail != head && (settings.EdgeProbability >= 1.0 || rng.NextDouble() < settings.EdgeProbability))
                    pairs.Add((head, tail));
        if (pairs.Count == 0)
            throw new WorldSettingsException(WorldSettings.Names.EdgeProbability,
                $"ρ = {settings.EdgeProbability.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} kept none of the {category.Length * (category.Length - 1)} E1 edges with data seed {settings.Seed}; raise it");
        return pairs;
    }

    /// <summary>The edges in (head, tail) order, labelled as the class doc says.</summary>
    private static List<Edge> LabelGraph(int[] category, List<(int Head, int Tail)> pairs, WorldSettings settings, WorldRandom rng)
    {
        int n = settings.Entities, r = settings.Relations;
        ILookup<int, int> tails = pairs.ToLookup(p => p.Head, p => p.Tail);
        var edges = new List<Edge>(pairs.Count);
        foreach (int head in category)
        {
            int degree = tails[head].Count();
            int[] labels = settings.DuplicateRelation
                ? [.. Enumerable.Range(0, degree).Select(_ => rng.NextInt(r))]
                : rng.PermutationPrefix(r, degree);
            int next = 0;
            foreach (int tail in tails[head])
                edges.Add(new Edge(head, n + labels[next++], tail, false));
        }
        return edges;
    }

    /// <summary>Marks all but the first TrainedCount(m, ratio) edges of a seeded shuffle as held out; keeps edge order.</summary>
    private static List<Edge> HoldOutAtomic(List<Edge> edges, double ratio, WorldRandom rng)
    {
        int[] order = rng.Permutation(edges.Count);
        int trained = SplitRounding.TrainedCount(edges.Count, ratio);
        var heldOut = new bool[edges.Count];
        for (int i = trained; i < order.Length; i++) heldOut[order[i]] = true;
        return [.. edges.Select((e, i) => e with { HeldOut = heldOut[i] })];
    }

    /// <summary>
    /// Gives the first M − TrainedCount(M, η) edges of a seeded shuffle a new tail, uniform over the category
    /// without the head and the old tail; keeps edge order. At η = 0 draws nothing.
    /// </summary>
    private static List<Edge> Rewire(List<Edge> edges, IReadOnlyList<int> category, double noise, WorldRandom rng)
    {
        if (noise <= 0.0) return edges;
        int[] order = rng.Permutation(edges.Count);
        int rewired = edges.Count - SplitRounding.TrainedCount(edges.Count, noise);
        var result = new List<Edge>(edges);
        for (int i = 0; i < rewired; i++)
        {
            Edge edge = edges[order[i]];
            int[] candidates = [.. category.Where(e => e != edge.Head && e != edge.Tail)];
            result[order[i]] = edge with { Tail = candidates[rng.NextInt(candidates.Length)] };
        }
        return result;
    }

    /// <summary>Every path h →r1→ b →r2→ t with t ≠ h over <paramref name="edges"/>, heads in category order.</summary>
    private static void AddTwoHopFacts(int[] category, List<Edge> edges, double nearOodRatio, WorldRandom rng,
        Dictionary<ProbeType, List<Fact>> probes)
    {
        ILookup<int, Edge> outEdges = edges.ToLookup(e => e.Head);
        foreach (int head in category)
            foreach (Edge first in outEdges[head])
                foreach (Edge second in outEdges[first.Tail])
                {
                    if (second.Tail == head) continue;
                    FactType type = first.HeldOut || second.HeldOut ? FactType.FarOodCompositional
                        : rng.NextDouble() < nearOodRatio ? FactType.NearOodCompositional
                        : FactType.IdCompositional;
                    probes[type].Add(new Fact(type, [head, first.Relation, second.Relation], second.Tail));
                }
    }

    /// <summary>(e, &lt;f_j&gt;, F_j(e)) split by a seeded shuffle; inverse facts follow their forward fact.</summary>
    private static void AddAnalogicalFacts(int[] e1, FunctorMap functor, int functorToken,
        WorldSettings settings, WorldRandom rng, Dictionary<ProbeType, List<Fact>> probes)
    {
        var id = new ProbeType(FactType.IdAnalogical, functor.Index);
        var ood = new ProbeType(FactType.OodAnalogical, functor.Index);
        int[] order = [.. e1];
        rng.Shuffle(order);
        int trained = SplitRounding.TrainedCount(order.Length, settings.AnalogicalOodRatio);
        for (int i = 0; i < order.Length; i++)
        {
            ProbeType type = i < trained ? id : ood;
            probes[type].Add(new Fact(type, [order[i], functorToken], functor.Map[order[i]]));
        }
        if (!settings.IncludeFInverse) return;
        for (int i = 0; i < order.Length; i++)
        {
            ProbeType type = i < trained ? id : ood;
            probes[type].Add(new Fact(type, [functor.Map[order[i]], functorToken + 1], order[i]));
        }
    }
}
