using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.World;

[TestFixture]
[Category("World")]
public sealed class DatasetIoTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = TestFiles.NewTempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<TestCaseData> Worlds()
    {
        yield return new TestCaseData(new WorldSettings()).SetName("RoundTrip default world");
        yield return new TestCaseData(new WorldSettings(16, 50, 6, 0.25, 0.3, 0.5, IncludeFInverse: true, Seed: 9)).SetName("RoundTrip held-out atomic and f_inv");
        yield return new TestCaseData(new WorldSettings(9, 4, 3, 0, 1.0, 1.0, DuplicateRelation: true, Seed: 4)).SetName("RoundTrip duplicate relations, all held out");
    }

    [TestCaseSource(nameof(Worlds))]
    public void WriteThenRead_GivesTheSameDataset(WorldSettings settings)
    {
        Dataset written = AnalogyWorld.Generate(settings);
        DatasetWriter.Write(written, _dir);
        Dataset read = DatasetReader.Read(_dir);
        DatasetAssert.Identical(written, read);
        Assert.That(read.CategoriesRecovered, Is.False);
        string[] expectedFiles =
        [
            "vocab.json", "train.json", "test.json", "world.json", "id_atomic.json", "ood_atomic.json",
            "id_compositional.json", "near_ood_compositional.json", "far_ood_compositional.json",
            "id_analogical.json", "ood_analogical.json",
        ];
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(expectedFiles), "no temporary files left");
    }

    [TestCaseSource(nameof(Worlds))]
    public void ReadWithoutWorldFile_RecoversTheFunctorFromAnalogicalFacts(WorldSettings settings)
    {
        Dataset written = AnalogyWorld.Generate(settings);
        DatasetWriter.Write(written, _dir);
        File.Delete(Path.Combine(_dir, "world.json"));
        Dataset read = DatasetReader.Read(_dir);
        Assert.Multiple(() =>
        {
            Assert.That(read.CategoriesRecovered, Is.True);
            Assert.That(read.Settings, Is.Null);
            Assert.That(read.CategoryE1, Is.EqualTo(written.CategoryE1.Order()));
            Assert.That(read.CategoryE2, Is.EqualTo(read.CategoryE1.Select(e => written.Functor[e])));
            Assert.That(read.Functor, Is.EquivalentTo(written.Functor));
            Assert.That(read.TrainingFacts, Is.EqualTo(written.TrainingFacts));
            foreach (FactType type in FactTypes.All)
                Assert.That(read.Probes[type], Is.EqualTo(written.Probes[type]), type.Label());
        });
    }

    [Test]
    public void Writer_UsesTheReferenceTextLayout()
    {
        Dataset d = AnalogyWorld.Generate(new WorldSettings());
        DatasetWriter.Write(d, _dir);
        // Pinned first E1 edge of the default world: ids (9, 3224, 1) = (e_9, r_3214, e_1), since r_j has id N + j.
        string train = File.ReadAllText(Path.Combine(_dir, "train.json"))[..200];
        Assert.That(train, Does.StartWith("[{\"input_text\":\"<e_9><r_3214>\",\"target_text\":\"<e_9><r_3214><e_1>\"}"));
        string test = File.ReadAllText(Path.Combine(_dir, "test.json"))[..200];
        Assert.That(test, Does.StartWith("[{\"input_text\":\"<e_9><r_3214>\",\"target_text\":\"<e_9><r_3214><e_1>\",\"type\":\"id_atomic\"}"));
        string vocab = File.ReadAllText(Path.Combine(_dir, "vocab.json"));
        Assert.That(vocab, Does.StartWith("[\"<e_0>\",\"<e_1>\"").And.EndWith("\"<r_9999>\",\"<f>\"]"));
    }

    // A hand-made world in the reference layout: E1 = {e_0, e_1, e_2}, E2 = {e_3, e_4, e_5},
    // F = e_i → e_{i+3}, relations r_0 … r_2 (ids 6 … 8), <f> = 9.
    private const string Vocab = """["<e_0>","<e_1>","<e_2>","<e_3>","<e_4>","<e_5>","<r_0>","<r_1>","<r_2>","<f>"]""";

    private const string Train = """
        [{"input_text": "<e_0><r_0>", "target_text": "<e_0><r_0><e_1>"},
         {"input_text": "<e_1><r_1>", "target_text": "<e_1><r_1><e_2>"},
         {"input_text": "<e_3><r_0>", "target_text": "<e_3><r_0><e_4>"},
         {"input_text": "<e_4><r_1>", "target_text": "<e_4><r_1><e_5>"},
         {"input_text": "<e_0><r_0><r_1>", "target_text": "<e_0><r_0><r_1><e_2>"},
         {"input_text": "<e_0><f>", "target_text": "<e_0><f><e_3>"},
         {"input_text": "<e_1><f>", "target_text": "<e_1><f><e_4>"}]
        """;

    private const string Test = """
        [{"input_text": "<e_0><r_0>", "target_text": "<e_0><r_0><e_1>", "type": "id_atomic"},
         {"input_text": "<e_1><r_1>", "target_text": "<e_1><r_1><e_2>", "type": "id_atomic"},
         {"input_text": "<e_3><r_0>", "target_text": "<e_3><r_0><e_4>", "type": "id_atomic"},
         {"input_text": "<e_4><r_1>", "target_text": "<e_4><r_1><e_5>", "type": "id_atomic"},
         {"input_text": "<e_2><r_2>", "target_text": "<e_2><r_2><e_0>", "type": "ood_atomic"},
         {"input_text": "<e_0><r_0><r_1>", "target_text": "<e_0><r_0><r_1><e_2>", "type": "id_compositional"},
         {"input_text": "<e_3><r_0><r_1>", "target_text": "<e_3><r_0><r_1><e_5>", "type": "near_ood_compositional"},
         {"input_text": "<e_1><r_1><r_2>", "target_text": "<e_1><r_1><r_2><e_0>", "type": "far_ood_compositional"},
         {"input_text": "<e_0><f>", "target_text": "<e_0><f><e_3>", "type": "id_analogical"},
         {"input_text": "<e_1><f>", "target_text": "<e_1><f><e_4>", "type": "id_analogical"},
         {"input_text": "<e_2><f>", "target_text": "<e_2><f><e_5>", "type": "ood_analogical"}]
        """;

    private void WriteHandMade(string? vocab = null, string? train = null, string? test = null)
    {
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), vocab ?? Vocab);
        File.WriteAllText(Path.Combine(_dir, "train.json"), train ?? Train);
        File.WriteAllText(Path.Combine(_dir, "test.json"), test ?? Test);
    }

    private static Fact F(FactType type, int target, params int[] input) => new(type, input, target);

    [Test]
    public void Read_HandMadeReferenceLayout_GivesTheExpectedFacts()
    {
        WriteHandMade();
        Dataset d = DatasetReader.Read(_dir);
        Assert.Multiple(() =>
        {
            Assert.That(d.VocabularySize, Is.EqualTo(10));
            Assert.That(d.Settings, Is.Null);
            Assert.That(d.TrainingFacts, Is.EqualTo(new[]
            {
                F(FactType.IdAtomic, 1, 0, 6), F(FactType.IdAtomic, 2, 1, 7), F(FactType.IdAtomic, 4, 3, 6),
                F(FactType.IdAtomic, 5, 4, 7), F(FactType.IdCompositional, 2, 0, 6, 7),
                F(FactType.IdAnalogical, 3, 0, 9), F(FactType.IdAnalogical, 4, 1, 9),
            }));
            Assert.That(d.Probes[FactType.OodAtomic], Is.EqualTo(new[] { F(FactType.OodAtomic, 0, 2, 8) }));
            Assert.That(d.Probes[FactType.NearOodCompositional], Is.EqualTo(new[] { F(FactType.NearOodCompositional, 5, 3, 6, 7) }));
            Assert.That(d.Probes[FactType.FarOodCompositional], Is.EqualTo(new[] { F(FactType.FarOodCompositional, 0, 1, 7, 8) }));
            Assert.That(d.Probes[FactType.OodAnalogical], Is.EqualTo(new[] { F(FactType.OodAnalogical, 5, 2, 9) }));
            Assert.That(d.Probes[FactType.IdAtomic], Has.Count.EqualTo(4));
            Assert.That(d.CategoriesRecovered, Is.True);
            Assert.That(d.CategoryE1, Is.EqualTo(new[] { 0, 1, 2 }));
            Assert.That(d.CategoryE2, Is.EqualTo(new[] { 3, 4, 5 }));
            Assert.That(d.Functor, Is.EquivalentTo(new Dictionary<int, int> { [0] = 3, [1] = 4, [2] = 5 }));
        });
    }

    [Test]
    public void ImportedDataset_RoundTripsThroughOurLayout()
    {
        WriteHandMade();
        Dataset imported = DatasetReader.Read(_dir);
        string copy = Path.Combine(_dir, "copy");
        DatasetWriter.Write(imported, copy);
        Dataset again = DatasetReader.Read(copy);
        DatasetAssert.Identical(imported, again);
        Assert.That(again.Settings, Is.Null);
    }

    private static IEnumerable<TestCaseData> Malformed()
    {
        static TestCaseData Case(string name, string file, string problem, string? vocab = null, string? train = null,
            string? test = null, Action<string>? extra = null) =>
            new TestCaseData(file, problem, vocab, train, test, extra).SetName("Malformed " + name);

        yield return Case("bad JSON", "train.json", "invalid JSON", train: "[{\"input_text\": ");
        yield return Case("vocab not a list", "vocab.json", "expected a JSON list", vocab: "{\"a\": 1}");
        yield return Case("vocab entry not a token", "vocab.json", "entry 1", vocab: Vocab.Replace("\"<e_1>\"", "\"e_1\""));
        yield return Case("vocab repeats a token", "vocab.json", "repeats the token \"<e_0>\"", vocab: Vocab.Replace("\"<e_1>\"", "\"<e_0>\""));
        yield return Case("vocab without <f>", "vocab.json", "no <f> token", vocab: Vocab.Replace("\"<f>\"", "\"<g>\""));
        yield return Case("unknown token", "test.json", "fact 4: input_text: unknown token \"<e_99>\"",
            test: Test.Replace("\"<e_2><r_2>\", \"target_text\": \"<e_2><r_2><e_0>\"", "\"<e_99><r_2>\", \"target_text\": \"<e_99><r_2><e_0>\""));
        yield return Case("text outside tokens", "train.json", "fact 0: input_text: \"e_0<r_0>\" is not a sequence of <...> tokens",
            train: Train.Replace("\"input_text\": \"<e_0><r_0>\"", "\"input_text\": \"e_0<r_0>\""));
        yield return Case("target not extending input", "train.json", "fact 1: target_text \"<e_2><r_1><e_2>\" does not extend input_text",
            train: Train.Replace("<e_1><r_1><e_2>", "<e_2><r_1><e_2>"));
        yield return Case("target adding two tokens", "train.json", "fact 1: target_text",
            train: Train.Replace("<e_1><r_1><e_2>", "<e_1><r_1><e_2><e_0>"));
        yield return Case("one input token", "train.json", "fact 0: input_text has 1 tokens, not 2 or 3",
            train: Train.Replace("\"input_text\": \"<e_0><r_0>\", \"target_text\": \"<e_0><r_0><e_1>\"", "\"input_text\": \"<e_0>\", \"target_text\": \"<e_0><e_1>\""));
        yield return Case("missing field", "train.json", "fact 0: missing string field \"target_text\"",
            train: Train.Replace("\"target_text\": \"<e_0><r_0><e_1>\"", "\"target\": \"<e_0><r_0><e_1>\""));
        yield return Case("unknown type", "test.json", "fact 0: unknown type \"weird_type\"",
            test: Test.Replace("\"type\": \"id_atomic\"}", "\"type\": \"weird_type\"}"));
        yield return Case("type of the wrong shape", "test.json", "fact 4: a id_compositional fact needs 3 input tokens, not 2",
            test: Test.Replace("\"type\": \"ood_atomic\"", "\"type\": \"id_compositional\""));
        yield return Case("atomic fact with <f>", "test.json", "fact 0: a id_atomic fact cannot have <f>",
            test: Test.Replace("\"<e_0><r_0>\", \"target_text\": \"<e_0><r_0><e_1>\"", "\"<e_0><f>\", \"target_text\": \"<e_0><f><e_1>\""));
        yield return Case("functor tokens with a gap", "vocab.json", "<f_3> without <f_2>", vocab: Vocab.Replace("\"<f>\"]", "\"<f>\",\"<f_3>\"]"));
        yield return Case("analogical type of another functor", "test.json", "fact 10: a ood_analogical_2 fact needs <f_2> or <f_inv_2> as its second token",
            test: Test.Replace("\"type\": \"ood_analogical\"", "\"type\": \"ood_analogical_2\""));
        yield return Case("missing test.json", "test.json", "file not found", extra: dir => File.Delete(Path.Combine(dir, "test.json")));
        yield return Case("F not a function", "test.json", "analogical facts map <e_2> to both",
            test: Test.Replace("]", ", {\"input_text\": \"<e_2><f>\", \"target_text\": \"<e_2><f><e_4>\", \"type\": \"ood_analogical\"}]"));
        yield return Case("F not injective", "test.json", "analogical facts map both",
            test: Test.Replace("<e_2><f><e_5>", "<e_2><f><e_4>"));
        yield return Case("per-type file disagrees", "ood_analogical.json", "differ from the 1 ood_analogical facts of test.json",
            extra: dir => File.WriteAllText(Path.Combine(dir, "ood_analogical.json"),
                "[{\"input_text\": \"<e_1><f>\", \"target_text\": \"<e_1><f><e_4>\"}]"));
        yield return Case("world.json disagrees", "world.json", "maps <e_0> to <e_3>, but the functor does not",
            extra: dir => File.WriteAllText(Path.Combine(dir, "world.json"),
                "{\"format\": \"engine-analogy-world/1\", \"settings\": null, \"e1\": [\"<e_0>\", \"<e_1>\", \"<e_2>\"], " +
                "\"e2\": [\"<e_3>\", \"<e_4>\", \"<e_5>\"], \"functor\": {\"<e_0>\": \"<e_4>\", \"<e_1>\": \"<e_3>\", \"<e_2>\": \"<e_5>\"}}"));
        yield return Case("world.json categories inconsistent", "world.json", "E1 and E2 must be disjoint",
            extra: dir => File.WriteAllText(Path.Combine(dir, "world.json"),
                "{\"format\": \"engine-analogy-world/1\", \"settings\": null, \"e1\": [\"<e_0>\", \"<e_1>\", \"<e_2>\"], " +
                "\"e2\": [\"<e_3>\", \"<e_4>\", \"<e_0>\"], \"functor\": {\"<e_0>\": \"<e_3>\", \"<e_1>\": \"<e_4>\", \"<e_2>\": \"<e_5>\"}}"));
        yield return Case("world.json settings invalid", "world.json", "settings invalid: sub_size:",
            extra: dir => File.WriteAllText(Path.Combine(dir, "world.json"),
                "{\"format\": \"engine-analogy-world/1\", \"settings\": {\"num_entities\": 6, \"sub_size\": 4}, \"e1\": [], \"e2\": [], \"functor\": {}}"));
        yield return Case("world.json with an unknown key", "world.json", "not a world file",
            extra: dir => File.WriteAllText(Path.Combine(dir, "world.json"),
                "{\"format\": \"engine-analogy-world/1\", \"setings\": null, \"e1\": [], \"e2\": [], \"functor\": {}}"));
    }

    [TestCaseSource(nameof(Malformed))]
    public void Read_MalformedFile_ThrowsOneLineErrorNamingTheFile(string file, string problem, string? vocab, string? train,
        string? test, Action<string>? extra)
    {
        WriteHandMade(vocab, train, test);
        extra?.Invoke(_dir);
        var e = Assert.Throws<DatasetFormatException>(() => DatasetReader.Read(_dir))!;
        string path = Path.Combine(_dir, file);
        Assert.Multiple(() =>
        {
            Assert.That(e.FilePath, Is.EqualTo(path));
            Assert.That(e.Message, Does.StartWith(path + ": "));
            Assert.That(e.Message, Does.Contain(problem));
            Assert.That(e.Message, Does.Not.Contain("\n").And.Not.Contain("\r"));
            Assert.That(e, Is.InstanceOf<IOException>());
        });
    }
}
