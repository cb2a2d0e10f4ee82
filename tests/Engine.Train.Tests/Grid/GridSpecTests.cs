using System.Security.Cryptography;
using System.Text;
using Engine.Train.Config;
using Engine.Train.Grid;
using NUnit.Framework;

namespace Engine.Train.Tests.Grid;

[TestFixture]
[Category("Grid")]
public class GridSpecTests
{
    private const string Yaml = """
        fixed:
          epochs: 20
          entities: 8
        sweep:
          width: [64, 128]
          depth: [1, 2, 4]
          seed: [1, 2]
        runs:
          - { width: 32, lr: 0.01 }
        """;

    [Test]
    public void ExpandsTheProductThenExplicitRuns()
    {
        var runs = GridSpec.Parse(Yaml, "g.yaml", new RunSettings()).Expand();
        Assert.That(runs, Has.Count.EqualTo(2 * 3 * 2 + 1));
        Assert.That(runs.Select(r => r.Index), Is.EqualTo(Enumerable.Range(0, 13)));
        // last axis varies fastest
        Assert.That((runs[0].Settings.Width, runs[0].Settings.Depth, runs[0].Settings.Seed), Is.EqualTo((64, 1, 1)));
        Assert.That((runs[1].Settings.Width, runs[1].Settings.Depth, runs[1].Settings.Seed), Is.EqualTo((64, 1, 2)));
        Assert.That((runs[11].Settings.Width, runs[11].Settings.Depth, runs[11].Settings.Seed), Is.EqualTo((128, 4, 2)));
        Assert.That(runs.All(r => r.Settings.Epochs == 20 && r.Settings.Entities == 8), Is.True);
        Assert.That((runs[12].Settings.Width, runs[12].Settings.Lr, runs[12].Settings.Depth), Is.EqualTo((32, 0.01, 1)));
        Assert.That(runs[4].Swept, Is.EqualTo(new Dictionary<string, string> { ["width"] = "64", ["depth"] = "4", ["seed"] = "1" }));
        Assert.That(runs.Select(r => r.Id).Distinct().Count(), Is.EqualTo(13));
    }

    [Test]
    public void JsonGridsExpandTheSame()
    {
        const string json = """{"fixed": {"epochs": 20, "entities": 8}, "sweep": {"width": [64, 128], "depth": [1, 2, 4], "seed": [1, 2]}, "runs": [{"width": 32, "lr": 0.01}]}""";
        var fromJson = GridSpec.Parse(json, "g.json", new RunSettings()).Expand();
        var fromYaml = GridSpec.Parse(Yaml, "g.yaml", new RunSettings()).Expand();
        Assert.That(fromJson.Select(r => r.Id), Is.EqualTo(fromYaml.Select(r => r.Id)));
    }

    // A fixed settings set, every setting spelled out, so that a change of a default does not move it.
    private static readonly RunSettings Pinned = new()
    {
        Entities = 10,
        Relations = 10000,
        CategorySize = null,
        AtomicOod = 0,
        CompositionalOod = 0.1,
        AnalogicalOod = 0.4,
        FInverse = false,
        DuplicateRelation = false,
        DataSeed = 42,
        DataDir = null,
        Width = 256,
        Depth = 2,
        Heads = 1,
        Tied = false,
        AttentionOnly = false,
        RopeBase = 100,
        Optimizer = "adam",
        Lr = 0.001,
        WeightDecay = 0,
        Batch = 64,
        Epochs = 1000,
        Warmup = 0,
        Seed = 3,
        EvalEvery = 5,
        CheckpointEvery = 100,
        Device = "cuda",
    };

    // What the id hashes: the settings as indented snake_case JSON with the device blanked, UTF-8, "\n" line
    // ends, no final newline. Cross-checked outside .NET: this text written to a file without a trailing
    // newline gives `sha256sum` d34545ed4129c8d99d23dd64a8ea4841417bed390433ac460af7bf6924bb0b2f.
    private const string PinnedCanonicalText = """
        {
          "entities": 10,
          "relations": 10000,
          "category_size": null,
          "atomic_ood": 0,
          "compositional_ood": 0.1,
          "analogical_ood": 0.4,
          "f_inverse": false,
          "duplicate_relation": false,
          "data_seed": 42,
          "data_dir": null,
          "width": 256,
          "depth": 2,
          "heads": 1,
          "tied": false,
          "attention_only": false,
          "rope_base": 100,
          "optimizer": "adam",
          "lr": 0.001,
          "weight_decay": 0,
          "batch": 64,
          "epochs": 1000,
          "warmup": 0,
          "seed": 3,
          "eval_every": 5,
          "checkpoint_every": 100,
          "device": ""
        }
        """;

    [Test]
    public void RunIdsAreStableAcrossProcessesAndIgnoreTheDevice()
    {
        // A golden value: ids name run folders of grids already on disk, so they must not change between
        // program versions unless the settings themselves do (a new setting changes every id, on purpose).
        Assert.That((Pinned with { Device = "" }).ToJson(), Is.EqualTo(PinnedCanonicalText.ReplaceLineEndings("\n")));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PinnedCanonicalText.ReplaceLineEndings("\n")))),
            Is.EqualTo("d34545ed4129c8d99d23dd64a8ea4841417bed390433ac460af7bf6924bb0b2f"));
        Assert.That(GridSpec.RunId(Pinned), Is.EqualTo("d34545ed4129"));
        Assert.That(GridSpec.RunId(Pinned with { Device = "cpu" }), Is.EqualTo("d34545ed4129"));
        Assert.That(GridSpec.RunId(Pinned with { Device = "opencl:1" }), Is.EqualTo("d34545ed4129"));
        Assert.That(GridSpec.RunId(Pinned with { Seed = 4 }), Is.Not.EqualTo("d34545ed4129"));
    }

    [Test]
    public void AddingAValueKeepsTheIdsOfExistingRuns()
    {
        var before = GridSpec.Parse("sweep:\n  width: [64, 128]\n", "g", new RunSettings()).Expand();
        var after = GridSpec.Parse("sweep:\n  width: [64, 128, 256]\n", "g", new RunSettings()).Expand();
        Assert.That(after.Select(r => r.Id).Take(2), Is.EqualTo(before.Select(r => r.Id)));
    }

    [TestCase("sweep:\n  width: 64\n", "width")]
    [TestCase("sweep:\n  widht: [1]\n", "widht")]
    [TestCase("sweep:\n  heads: [3]\n", "heads")]
    [TestCase("fixed:\n  epochs: 2\n", "grid")]
    [TestCase("swep:\n  width: [1]\n", "swep")]
    [TestCase("runs: {width: 3}\n", "runs")]
    public void BadGridsNameTheProblem(string yaml, string setting)
    {
        var e = Assert.Throws<SettingsException>(() => GridSpec.Parse(yaml, "bad.yaml", new RunSettings()).Expand());
        Assert.That(e!.Setting, Is.EqualTo(setting));
    }

    [Test]
    public void ATiedSettingFollowsItsSourceInEveryRun()
    {
        const string yaml = """
            claim: "Each seed is its own world: data and initialisation vary together."
            fixed: { epochs: 20 }
            sweep:
              width: [64, 128]
              seed: [1, 2, 3]
            runs:
              - { width: 32, seed: 7 }
            tie:
              data_seed: seed
            """;
        var spec = GridSpec.Parse(yaml, "g.yaml", new RunSettings());
        var runs = spec.Expand();
        Assert.Multiple(() =>
        {
            Assert.That(spec.Claim, Is.EqualTo("Each seed is its own world: data and initialisation vary together."));
            Assert.That(spec.Ties, Is.EqualTo(new Dictionary<string, string> { ["data_seed"] = "seed" }));
            Assert.That(runs.Select(r => (r.Settings.Seed, r.Settings.DataSeed)), Is.EqualTo(new[] { (1, 1), (2, 2), (3, 3), (1, 1), (2, 2), (3, 3), (7, 7) }));
            Assert.That(spec.SweptKeys, Is.EqualTo(new[] { "width", "seed" }), "a tied setting is not swept");
            Assert.That(runs[0].Swept.ContainsKey("data_seed"), Is.False);
            // The id hashes the resolved settings, so a tie gives other runs than the same sweep without it.
            var untied = GridSpec.Parse("fixed: { epochs: 20 }\nsweep:\n  width: [64, 128]\n  seed: [1, 2, 3]\n", "g", new RunSettings()).Expand();
            Assert.That(runs[0].Id, Is.EqualTo(GridSpec.RunId(untied[0].Settings with { DataSeed = 1 })));
            Assert.That(runs[0].Id, Is.Not.EqualTo(untied[0].Id));
        });
        // Values are carried as text, so any setting can follow any other of a compatible type.
        var lr = GridSpec.Parse("sweep:\n  weight_decay: [0.5]\ntie:\n  lr: weight_decay\n", "g", new RunSettings()).Expand();
        Assert.That(lr[0].Settings.Lr, Is.EqualTo(0.5));
    }

    [TestCase("sweep:\n  seed: [1]\ntie:\n  data_sed: seed\n", "'data_sed' is not a setting")]
    [TestCase("sweep:\n  seed: [1]\ntie:\n  data_seed: sed\n", "'sed' is not a setting")]
    [TestCase("sweep:\n  seed: [1]\n  data_seed: [2]\ntie:\n  data_seed: seed\n", "cannot also be set under sweep")]
    [TestCase("fixed: { data_seed: 3 }\nsweep:\n  seed: [1]\ntie:\n  data_seed: seed\n", "cannot also be set under fixed")]
    [TestCase("sweep:\n  seed: [1]\nruns:\n  - { data_seed: 4 }\ntie:\n  data_seed: seed\n", "cannot also be set under runs")]
    [TestCase("sweep:\n  seed: [1]\ntie:\n  seed: seed\n", "cannot follow itself")]
    [TestCase("sweep:\n  seed: [1]\ntie:\n  data_seed: seed\n  seed: width\n", "which is itself tied")]
    [TestCase("sweep:\n  lr: [0.5]\ntie:\n  width: lr\n", "width follows lr = 0.5")]
    [TestCase("sweep:\n  seed: [1]\ntie: [data_seed]\n", "tie must be a mapping")]
    [TestCase("claim: [a, b]\nsweep:\n  seed: [1]\n", "the claim must be a line of text")]
    public void BadTiesAndClaimsNameTheProblem(string yaml, string message)
    {
        var e = Assert.Throws<SettingsException>(() => GridSpec.Parse(yaml, "bad.yaml", new RunSettings()).Expand());
        Assert.That(e!.Message, Does.Contain(message));
        Assert.That(e.Setting, Is.EqualTo(yaml.StartsWith("claim") ? "claim" : "tie"));
    }
}
