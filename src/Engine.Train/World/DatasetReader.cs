using System.Text.Json;

namespace Engine.Train.World;

/// <summary>
/// Reads a dataset in the reference layout (see <see cref="DatasetWriter"/>), whether written by us
/// or by the reference Python code. Required: <c>vocab.json</c>, <c>train.json</c>, <c>test.json</c>.
/// Optional: the per-type files (if present each must hold the same facts as that type in
/// <c>test.json</c>) and <c>world.json</c>. Without <c>world.json</c> the categories are recovered
/// from the analogical facts of train and test: (e, &lt;f&gt;, t) gives F(e) = t and
/// (t, &lt;f_inv&gt;, e) gives the same pair; E1 = the sources in ascending id order, E2 = their images
/// in the same order, and <see cref="Dataset.CategoriesRecovered"/> is set. A vocabulary with the tokens
/// &lt;f_2&gt; … &lt;f_m&gt; (and &lt;f_inv_j&gt;) holds m functors, recovered the same way, each over the same E1.
/// Training facts carry no type in <c>train.json</c>; they are typed by shape: 3 input tokens →
/// id_compositional, second token &lt;f&gt; or &lt;f_inv&gt; → id_analogical (&lt;f_j&gt; or &lt;f_inv_j&gt; →
/// id_analogical_j), else id_atomic.
/// </summary>
public static class DatasetReader
{
    /// <summary>Reads the dataset in <paramref name="directory"/>.</summary>
    /// <exception cref="DatasetFormatException">A required file is missing, or any file is malformed:
    /// bad JSON, a token not in the vocabulary, an input of other than 2 or 3 tokens, a target text
    /// that does not extend its input by exactly one token, an unknown type label, per-type files or
    /// world.json disagreeing with test.json, analogical facts that do not form a bijection.</exception>
    public static Dataset Read(string directory)
    {
        string vocabPath = Path.Combine(directory, "vocab.json");
        string[] vocab = ReadVocabulary(vocabPath);
        var ids = new Dictionary<string, int>(vocab.Length);
        for (int i = 0; i < vocab.Length; i++) ids[vocab[i]] = i;
        FunctorTokens functorTokens = FunctorTokens.Of(vocab, vocabPath);

        string trainPath = Path.Combine(directory, "train.json");
        List<Fact> training = ReadFacts(trainPath, ids, functorTokens, FactLabel.ByShape);

        string testPath = Path.Combine(directory, "test.json");
        List<Fact> tests = ReadFacts(testPath, ids, functorTokens, FactLabel.FromTypeField);
        IReadOnlyList<ProbeType> types = ProbeType.For(functorTokens.Count);
        var probes = types.ToDictionary(t => t, t => (IReadOnlyList<Fact>)[.. tests.Where(f => f.Probe == t)]);

        foreach (ProbeType type in types)
        {
            string path = Path.Combine(directory, type.Label + ".json");
            if (!File.Exists(path)) continue;
            List<Fact> facts = ReadFacts(path, ids, functorTokens, FactLabel.OfType(type));
            if (!SameMultiset(facts, probes[type]))
                throw new DatasetFormatException(path,
                    $"its {facts.Count} facts differ from the {probes[type].Count} {type.Label} facts of test.json");
        }

        List<Fact> analogical = [.. training.Concat(tests).Where(f => f.Type.IsAnalogical())];
        string worldPath = Path.Combine(directory, WorldFile.FileName);
        bool hasWorld = File.Exists(worldPath);
        try
        {
            return hasWorld
                ? FromWorldFile(worldPath, vocab, ids, training, probes, analogical, functorTokens)
                : Recovered(testPath, vocab, training, probes, analogical, functorTokens);
        }
        catch (ArgumentException e)
        {
            // The categories broke a Dataset invariant: blame the file they came from.
            throw new DatasetFormatException(hasWorld ? worldPath : testPath, e.Message, e);
        }
    }

    /// <summary>The functor tokens of a vocabulary: token id → (functor j, inverse?), and m, the number of functors.</summary>
    private sealed class FunctorTokens(Dictionary<int, (int Functor, bool Inverse)> tokens, int count)
    {
        public int Count => count;

        public bool TryGet(int token, out (int Functor, bool Inverse) functor) => tokens.TryGetValue(token, out functor);

        /// <exception cref="DatasetFormatException">No &lt;f&gt;, or a gap: &lt;f_j&gt; without &lt;f_{j−1}&gt;, an inverse without its functor.</exception>
        public static FunctorTokens Of(string[] vocab, string path)
        {
            var tokens = new Dictionary<int, (int, bool)>();
            for (int id = 0; id < vocab.Length; id++)
                if (WorldTokens.TryParseFunctor(vocab[id], out int j, out bool inverse))
                    tokens[id] = (j, inverse);
            var forward = tokens.Values.Where(t => !t.Item2).Select(t => t.Item1).ToHashSet();
            if (!forward.Contains(1))
                throw new DatasetFormatException(path, $"no {WorldTokens.Functor} token");
            int count = forward.Max();
            for (int j = 2; j <= count; j++)
                if (!forward.Contains(j))
                    throw new DatasetFormatException(path, $"{WorldTokens.FunctorToken(count)} without {WorldTokens.FunctorToken(j)}: functors are numbered 1 … m");
            foreach (var (j, inverse) in tokens.Values)
                if (inverse && !forward.Contains(j))
                    throw new DatasetFormatException(path, $"{WorldTokens.InverseToken(j)} without {WorldTokens.FunctorToken(j)}");
            return new FunctorTokens(tokens, count);
        }
    }

    /// <summary>How a file's facts get their type.</summary>
    private readonly record struct FactLabel(bool FromField, ProbeType? Fixed)
    {
        public static FactLabel ByShape => new(false, null);
        public static FactLabel FromTypeField => new(true, null);
        public static FactLabel OfType(ProbeType type) => new(false, type);
    }

    private static string[] ReadVocabulary(string path)
    {
        using JsonDocument document = Parse(path);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new DatasetFormatException(path, "expected a JSON list of token strings");
        var vocab = new List<string>();
        var seen = new HashSet<string>();
        foreach (JsonElement entry in document.RootElement.EnumerateArray())
        {
            string? token = entry.ValueKind == JsonValueKind.String ? entry.GetString() : null;
            if (token is null || !FactText.IsTokenString(token))
                throw new DatasetFormatException(path, $"entry {vocab.Count} ({entry.GetRawText()}) is not a <...> token string");
            if (!seen.Add(token))
                throw new DatasetFormatException(path, $"entry {vocab.Count} repeats the token \"{token}\"");
            vocab.Add(token);
        }
        return [.. vocab];
    }

    private static List<Fact> ReadFacts(string path, Dictionary<string, int> ids, FunctorTokens functor, FactLabel label)
    {
        using JsonDocument document = Parse(path);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new DatasetFormatException(path, "expected a JSON list of facts");
        var facts = new List<Fact>();
        foreach (JsonElement entry in document.RootElement.EnumerateArray())
        {
            string where = $"fact {facts.Count}";
            if (entry.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(path, $"{where} is not a JSON object");
            string inputText = StringField(path, where, entry, "input_text");
            string targetText = StringField(path, where, entry, "target_text");
            List<int> input = Tokenize(path, where, "input_text", inputText, ids);
            List<int> target = Tokenize(path, where, "target_text", targetText, ids);
            if (input.Count is not (2 or 3))
                throw new DatasetFormatException(path, $"{where}: input_text has {input.Count} tokens, not 2 or 3");
            if (!targetText.StartsWith(inputText, StringComparison.Ordinal) || target.Count != input.Count + 1)
                throw new DatasetFormatException(path, $"{where}: target_text \"{targetText}\" does not extend input_text \"{inputText}\" by exactly one token");

            (int Functor, bool Inverse) tokenFunctor = default;
            bool functorInput = input.Count == 2 && functor.TryGet(input[1], out tokenFunctor);
            ProbeType type;
            if (label.FromField)
            {
                string typeLabel = StringField(path, where, entry, "type");
                if (!ProbeType.TryParse(typeLabel, out type))
                    throw new DatasetFormatException(path, $"{where}: unknown type \"{typeLabel}\"");
            }
            else
            {
                type = label.Fixed ?? (input.Count == 3 ? FactType.IdCompositional
                    : functorInput ? new ProbeType(FactType.IdAnalogical, tokenFunctor.Functor) : FactType.IdAtomic);
                if (label.Fixed is not null && entry.TryGetProperty("type", out JsonElement typeField)
                    && (typeField.ValueKind != JsonValueKind.String || typeField.GetString() != type.Label))
                    throw new DatasetFormatException(path, $"{where}: type {typeField.GetRawText()} in the file of {type.Label}");
            }
            if (input.Count != type.InputLength)
                throw new DatasetFormatException(path, $"{where}: a {type.Label} fact needs {type.InputLength} input tokens, not {input.Count}");
            bool analogical = type.Kind.IsAnalogical();
            if (analogical != functorInput || (analogical && tokenFunctor.Functor != type.Functor))
                throw new DatasetFormatException(path, analogical
                    ? $"{where}: a {type.Label} fact needs {WorldTokens.FunctorToken(type.Functor)} or {WorldTokens.InverseToken(type.Functor)} as its second token"
                    : $"{where}: a {type.Label} fact cannot have <f> or <f_inv> as its second token");
            facts.Add(new Fact(type, input, target[^1]));
        }
        return facts;
    }

    private static Dataset FromWorldFile(string path, string[] vocab, Dictionary<string, int> ids, List<Fact> training,
        Dictionary<ProbeType, IReadOnlyList<Fact>> probes, List<Fact> analogical, FunctorTokens functorTokens)
    {
        WorldFile? world;
        using (JsonDocument document = Parse(path))
        {
            try
            {
                world = document.Deserialize<WorldFile>(DatasetWriter.SerializerOptions);
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, $"not a world file: {e.Message}", e);
            }
        }
        if (world is null || world.Format != WorldFile.CurrentFormat || world.E1 is null || world.E2 is null || world.Functor is null)
            throw new DatasetFormatException(path, $"expected format \"{WorldFile.CurrentFormat}\" with e1, e2 and functor");
        if (world.Settings is { } settings)
        {
            try
            {
                settings.Validate();
            }
            catch (WorldSettingsException e)
            {
                throw new DatasetFormatException(path, $"settings invalid: {e.Message}", e);
            }
            if (!WorldTokens.Vocabulary(settings).SequenceEqual(vocab))
                throw new DatasetFormatException(path, $"its settings imply a vocabulary of {settings.VocabularySize} tokens that vocab.json ({vocab.Length}) does not match");
        }

        int Entity(string token) => ids.TryGetValue(token, out int id) ? id
            : throw new DatasetFormatException(path, $"unknown token \"{token}\"");
        List<int> e1 = [.. world.E1.Select(Entity)];
        FunctorMap Read(int j, IReadOnlyList<string> category, IReadOnlyDictionary<string, string> map)
        {
            var functor = new Dictionary<int, int>();
            foreach (var (source, image) in map) functor[Entity(source)] = Entity(image);
            return new FunctorMap(j, [.. category.Select(Entity)], functor);
        }
        List<FunctorMap> functors = [Read(1, world.E2, world.Functor)];
        foreach (WorldFileFunctor other in world.OtherFunctors ?? [])
        {
            int j = functors.Count + 1;
            if (other?.Token != WorldTokens.FunctorToken(j) || other.Category is null || other.Map is null)
                throw new DatasetFormatException(path, $"other_functors entry {j - 1} must be F_{j} with token \"{WorldTokens.FunctorToken(j)}\", a category and a map");
            functors.Add(Read(j, other.Category, other.Map));
        }
        if (functors.Count != functorTokens.Count)
            throw new DatasetFormatException(path, $"it describes {functors.Count} functor(s), but vocab.json has {functorTokens.Count}");

        foreach (var (j, source, image) in FunctorPairs(analogical, functorTokens))
            if (!functors[j - 1].Map.TryGetValue(source, out int expected) || expected != image)
                throw new DatasetFormatException(path, functors.Count == 1
                    ? $"an analogical fact maps {vocab[source]} to {vocab[image]}, but the functor does not"
                    : $"an analogical fact maps {vocab[source]} to {vocab[image]} by {WorldTokens.FunctorToken(j)}, but F_{j} does not");
        return new Dataset(world.Settings, vocab, training, probes, e1, functors, categoriesRecovered: false);
    }

    private static Dataset Recovered(string testPath, string[] vocab, List<Fact> training,
        Dictionary<ProbeType, IReadOnlyList<Fact>> probes, List<Fact> analogical, FunctorTokens functorTokens)
    {
        var maps = Enumerable.Range(0, functorTokens.Count).Select(_ => new Dictionary<int, int>()).ToList();
        var preimages = Enumerable.Range(0, functorTokens.Count).Select(_ => new Dictionary<int, int>()).ToList();
        string By(int j) => functorTokens.Count == 1 ? "" : $" by {WorldTokens.FunctorToken(j)}";
        foreach (var (j, source, image) in FunctorPairs(analogical, functorTokens))
        {
            Dictionary<int, int> functor = maps[j - 1], preimage = preimages[j - 1];
            if (functor.TryGetValue(source, out int known) && known != image)
                throw new DatasetFormatException(testPath, $"analogical facts map {vocab[source]} to both {vocab[known]} and {vocab[image]}{By(j)}");
            if (preimage.TryGetValue(image, out int other) && other != source)
                throw new DatasetFormatException(testPath, $"analogical facts map both {vocab[other]} and {vocab[source]} to {vocab[image]}{By(j)}");
            functor[source] = image;
            preimage[image] = source;
        }
        if (maps[0].Count == 0)
            throw new DatasetFormatException(testPath, "no analogical facts to recover the categories from, and no world.json");
        List<int> e1 = [.. maps[0].Keys.Order()];
        var functors = new List<FunctorMap>();
        var placed = e1.ToHashSet();
        for (int j = 1; j <= maps.Count; j++)
        {
            Dictionary<int, int> functor = maps[j - 1];
            if (!functor.Keys.ToHashSet().SetEquals(e1))
                throw new DatasetFormatException(testPath, $"the analogical facts of {WorldTokens.FunctorToken(j)} have other sources than those of <f>: every functor maps the same E1");
            List<int> image = [.. e1.Select(e => functor[e])];
            if (image.FirstOrDefault(e => !placed.Add(e), -1) is int shared and >= 0)
                throw new DatasetFormatException(testPath, $"analogical facts put {vocab[shared]} in {(maps.Count == 1 ? "both categories" : "two categories")}");
            functors.Add(new FunctorMap(j, image, functor));
        }
        return new Dataset(null, vocab, training, probes, e1, functors, categoriesRecovered: true);
    }

    /// <summary>(j, e, F_j(e)) for every analogical fact of functor j: (e, &lt;f_j&gt;, t) → (e, t); (t, &lt;f_inv_j&gt;, e) → (e, t).</summary>
    private static IEnumerable<(int Functor, int Source, int Image)> FunctorPairs(List<Fact> analogical, FunctorTokens tokens) =>
        analogical.Select(f => tokens.TryGet(f.Input[1], out var t) && t.Inverse
            ? (f.Functor, f.Target, f.Input[0]) : (f.Functor, f.Input[0], f.Target));

    private static bool SameMultiset(List<Fact> a, IReadOnlyList<Fact> b)
    {
        if (a.Count != b.Count) return false;
        var counts = new Dictionary<Fact, int>();
        foreach (Fact f in a) counts[f] = counts.GetValueOrDefault(f) + 1;
        foreach (Fact f in b)
        {
            if (counts.GetValueOrDefault(f) == 0) return false;
            counts[f]--;
        }
        return true;
    }

    private static JsonDocument Parse(string path)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException(path, "file not found");
        try
        {
            using FileStream stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, $"invalid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    private static string StringField(string path, string where, JsonElement entry, string name)
    {
        if (!entry.TryGetProperty(name, out JsonElement field) || field.ValueKind != JsonValueKind.String)
            throw new DatasetFormatException(path, $"{where}: missing string field \"{name}\"");
        return field.GetString()!;
    }

    private static List<int> Tokenize(string path, string where, string field, string text, Dictionary<string, int> ids) =>
        FactText.TryTokenize(text, ids, out string problem)
            ?? throw new DatasetFormatException(path, $"{where}: {field}: {problem}");
}
