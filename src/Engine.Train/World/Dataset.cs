namespace Engine.Train.World;

/// <summary>
/// A world ready to train on and probe: the vocabulary, the training facts, every fact of each probe
/// type, and the categories E1, E2 with the functor F: E1 → E2 (the probes need them: Dirichlet-energy
/// edges e ↔ F(e), parallelism over analogical facts) — or, with m functors, E1 and E2 … E_{m+1} with
/// F_1 … F_m (<see cref="Functors"/>; <see cref="CategoryE2"/> and <see cref="Functor"/> are F_1's). Ids are
/// positions in <see cref="Vocabulary"/>.
/// </summary>
public sealed class Dataset
{
    /// <summary>Builds a dataset and checks its invariants.</summary>
    /// <param name="settings">The generator settings; null for an imported dataset.</param>
    /// <param name="vocabulary">Token strings in id order.</param>
    /// <param name="trainingFacts">ID atomic + ID compositional + ID analogical facts.</param>
    /// <param name="probes">Facts per type; a missing type of <see cref="ProbeType.For"/>(m) is taken as empty.</param>
    /// <param name="categoryE1">Entity ids of E1.</param>
    /// <param name="functors">F_1 … F_m, in index order (at least F_1).</param>
    /// <param name="categoriesRecovered">True when the categories and functors were recovered from the analogical facts.</param>
    /// <exception cref="ArgumentException">A token id is outside the vocabulary, a fact is filed under the wrong
    /// type, a functor token is missing, or some F_j is not a bijection from E1 onto its own category (all disjoint).</exception>
    public Dataset(
        WorldSettings? settings,
        IReadOnlyList<string> vocabulary,
        IReadOnlyList<Fact> trainingFacts,
        IReadOnlyDictionary<ProbeType, IReadOnlyList<Fact>> probes,
        IReadOnlyList<int> categoryE1,
        IReadOnlyList<FunctorMap> functors,
        bool categoriesRecovered)
    {
        Settings = settings;
        Vocabulary = [.. vocabulary];
        _ids = new Dictionary<string, int>(Vocabulary.Count);
        for (int i = 0; i < Vocabulary.Count; i++)
            if (!_ids.TryAdd(Vocabulary[i], i))
                throw new ArgumentException($"the vocabulary repeats the token \"{Vocabulary[i]}\"");
        TrainingFacts = [.. trainingFacts];
        if (functors.Count == 0 || functors.Select((f, i) => f.Index != i + 1).Any(wrong => wrong))
            throw new ArgumentException($"functors must be F_1 … F_m in order, got [{string.Join(", ", functors.Select(f => f.Index))}]");
        Functors = [.. functors.Select(f => f with { Category = [.. f.Category], Map = new Dictionary<int, int>(f.Map) })];
        ProbeTypes = ProbeType.For(Functors.Count);
        foreach (ProbeType type in probes.Keys)
            if (!ProbeTypes.Contains(type))
                throw new ArgumentException($"probe type {type.Label} does not exist with {Functors.Count} functor(s)");
        var byType = new Dictionary<ProbeType, IReadOnlyList<Fact>>();
        foreach (ProbeType type in ProbeTypes)
            byType[type] = probes.TryGetValue(type, out var list) ? [.. list] : [];
        Probes = byType;
        CategoryE1 = [.. categoryE1];
        CategoriesRecovered = categoriesRecovered;
        CheckInvariants();
    }

    /// <summary>A world with the single functor F: E1 → E2 (the reference's).</summary>
    public Dataset(
        WorldSettings? settings,
        IReadOnlyList<string> vocabulary,
        IReadOnlyList<Fact> trainingFacts,
        IReadOnlyDictionary<ProbeType, IReadOnlyList<Fact>> probes,
        IReadOnlyList<int> categoryE1,
        IReadOnlyList<int> categoryE2,
        IReadOnlyDictionary<int, int> functor,
        bool categoriesRecovered)
        : this(settings, vocabulary, trainingFacts, probes, categoryE1, [new FunctorMap(1, categoryE2, functor)], categoriesRecovered)
    {
    }

    /// <summary>The settings the world was generated with; null when imported without them.</summary>
    public WorldSettings? Settings { get; }

    /// <summary>Token strings in id order; V = its count.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>V, the vocabulary size.</summary>
    public int VocabularySize => Vocabulary.Count;

    /// <summary>ID atomic + ID compositional + ID analogical facts, the training set.</summary>
    public IReadOnlyList<Fact> TrainingFacts { get; }

    /// <summary>The probe types of this world in order: the seven, then ID and OOD analogical per functor j ≥ 2.</summary>
    public IReadOnlyList<ProbeType> ProbeTypes { get; }

    /// <summary>Every fact of each type (every key of <see cref="ProbeTypes"/> present; trained facts are probed too).</summary>
    public IReadOnlyDictionary<ProbeType, IReadOnlyList<Fact>> Probes { get; }

    /// <summary>Entity ids of category E1.</summary>
    public IReadOnlyList<int> CategoryE1 { get; }

    /// <summary>F_1 … F_m with their image categories.</summary>
    public IReadOnlyList<FunctorMap> Functors { get; }

    /// <summary>Entity ids of category E2, the image of F_1.</summary>
    public IReadOnlyList<int> CategoryE2 => Functors[0].Category;

    /// <summary>The functor F = F_1: E1 → E2 as a map from entity id to entity id.</summary>
    public IReadOnlyDictionary<int, int> Functor => Functors[0].Map;

    /// <summary>True when the categories and functors were recovered from the analogical facts (no world.json).</summary>
    public bool CategoriesRecovered { get; }

    /// <summary>All probe facts, type by type in <see cref="ProbeTypes"/> order.</summary>
    public IEnumerable<Fact> AllProbes => ProbeTypes.SelectMany(t => Probes[t]);

    /// <summary>The token id of F_j (<paramref name="inverse"/>: of its inverse), or −1 when absent.</summary>
    public int FunctorTokenId(int j, bool inverse = false) =>
        TokenId(inverse ? WorldTokens.InverseToken(j) : WorldTokens.FunctorToken(j));

    /// <summary>The id of a token string, or −1 when absent.</summary>
    public int TokenId(string token) => _ids.GetValueOrDefault(token, -1);

    private readonly Dictionary<string, int> _ids;

    private void CheckInvariants()
    {
        int v = Vocabulary.Count;
        foreach (Fact fact in TrainingFacts.Concat(AllProbes))
            foreach (int token in fact.Tokens())
                if ((uint)token >= (uint)v)
                    throw new ArgumentException($"fact {fact} has token id {token} outside the vocabulary of {v}");
        foreach (Fact fact in TrainingFacts)
            if (!fact.Type.IsTrained())
                throw new ArgumentException($"training fact {fact} has a held-out type");
        foreach (var (type, list) in Probes)
            foreach (Fact fact in list)
                if (fact.Probe != type || fact.Input.Count != type.InputLength)
                    throw new ArgumentException($"fact {fact} is filed under {type.Label}");

        var e1 = new HashSet<int>(CategoryE1);
        if (e1.Count != CategoryE1.Count)
            throw new ArgumentException(Functors.Count == 1 ? "E1 and E2 must be disjoint sets without repeats" : "E1 repeats an entity");
        var seen = new HashSet<int>(e1);
        foreach (FunctorMap f in Functors)
        {
            string name = Functors.Count == 1 ? "F" : $"F_{f.Index}";
            if (f.Category.Count != CategoryE1.Count || f.Map.Count != CategoryE1.Count)
                throw new ArgumentException($"|E1| = {CategoryE1.Count}, |{f.CategoryName}| = {f.Category.Count} and |{name}| = {f.Map.Count} differ");
            var image = new HashSet<int>(f.Category);
            if (image.Count != f.Category.Count || f.Category.Any(e => !seen.Add(e)))
                throw new ArgumentException(Functors.Count == 1 ? "E1 and E2 must be disjoint sets without repeats"
                    : $"{f.CategoryName} repeats an entity or shares one with E1 or another category");
            if (seen.Any(e => (uint)e >= (uint)v))
                throw new ArgumentException("a category entity lies outside the vocabulary");
            var hit = new HashSet<int>();
            foreach (var (source, target) in f.Map)
                if (!e1.Contains(source) || !image.Contains(target) || !hit.Add(target))
                    throw new ArgumentException($"{name} is not a bijection E1 → {f.CategoryName} at {source} → {target}");
            if (TokenId(f.Token) < 0)
                throw new ArgumentException($"the vocabulary lacks the token {f.Token} of {name}");
        }
    }
}
