using Engine.Train.Config;
using NUnit.Framework;

namespace Engine.Train.Tests.Config;

[TestFixture]
[Category("Train")]
public class ConfigTests
{
    // The reference repository's configs/default.yaml layout: a data: section, the rest at top level.
    private const string ReferenceLayout = """
        data:
          num_entities: 30
          num_relations: 500
          sub_size: 12
          atomic_ood_ratio: 0.0
          compositional_ood_ratio: 0.3
          analogical_ood_ratio: 0.1
          include_f_inverse: false
          duplicate_relation: false
          seed: 7
          output_dir: "/app/data/x"
        data_dir: "/data/world"
        save_dir: "/app/runs/x"
        d_model: 256
        n_layer: 2
        n_head: 4
        dropout: 0.0
        max_len: 64
        batch_size: 32
        epochs: 100
        lr: 1e-4
        weight_decay: 0.01
        warmup_steps: 10
        use_amp: true
        eval_every: 10
        save_every: 0
        seed: 3
        """;

    [Test]
    public void ReadsTheReferenceLayout()
    {
        var s = YamlConfig.Parse(ReferenceLayout, "default.yaml", new RunSettings());
        Assert.Multiple(() =>
        {
            Assert.That(s.Entities, Is.EqualTo(30));
            Assert.That(s.Relations, Is.EqualTo(500));
            Assert.That(s.CategorySize, Is.EqualTo(12));
            Assert.That(s.CompositionalOod, Is.EqualTo(0.3));
            Assert.That(s.AnalogicalOod, Is.EqualTo(0.1));
            Assert.That(s.DataSeed, Is.EqualTo(7), "seed under data: is the data seed");
            Assert.That(s.Seed, Is.EqualTo(3), "top-level seed is the training seed");
            Assert.That(s.DataDir, Is.EqualTo("/data/world"));
            Assert.That(s.Width, Is.EqualTo(256));
            Assert.That(s.Depth, Is.EqualTo(2));
            Assert.That(s.Heads, Is.EqualTo(4));
            Assert.That(s.Batch, Is.EqualTo(32));
            Assert.That(s.Epochs, Is.EqualTo(100));
            Assert.That(s.Lr, Is.EqualTo(1e-4));
            Assert.That(s.WeightDecay, Is.EqualTo(0.01));
            Assert.That(s.Warmup, Is.EqualTo(10));
            Assert.That(s.EvalEvery, Is.EqualTo(10));
            Assert.That(s.CheckpointEvery, Is.EqualTo(0));
        });
        Assert.That(() => s.Validate(), Throws.Nothing);
    }

    [Test]
    public void ReadsModelAndTrainingSections()
    {
        var s = YamlConfig.Parse("model:\n  width: 64\n  tied: true\n  attention_only: yes\ntraining:\n  optimizer: AdamW\n  seed: 9\n",
            "x.yaml", new RunSettings());
        Assert.That((s.Width, s.Tied, s.AttentionOnly, s.Optimizer, s.Seed), Is.EqualTo((64, true, true, "adamw", 9)));
    }

    [TestCase("d_modle: 5", "d_modle")]
    [TestCase("lr: fast", "lr")]
    [TestCase("data:\n  sub_size: [1, 2]", "data.sub_size")]
    [TestCase("dropout: 0.1", "dropout")]
    [TestCase("tied: maybe", "tied")]
    [TestCase("epochs: 1.5", "epochs")]
    public void BadKeysAndValuesNameTheSetting(string yaml, string setting)
    {
        var e = Assert.Throws<SettingsException>(() => YamlConfig.Parse(yaml, "bad.yaml", new RunSettings()));
        Assert.That(e!.Message, Does.StartWith(setting + ":"));
    }

    [Test]
    public void MalformedYamlAndMissingFilesAreClearErrors()
    {
        var e = Assert.Throws<SettingsException>(() => YamlConfig.Parse("a: [1, 2", "broken.yaml", new RunSettings()));
        Assert.That(e!.Message, Does.Contain("broken.yaml").And.Contain("not valid YAML"));
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "none.yaml");
        e = Assert.Throws<SettingsException>(() => YamlConfig.Load(missing, new RunSettings()));
        Assert.That(e!.Message, Does.Contain("none.yaml"));
    }

    [Test]
    public void ModelShapeValidationNamesTheSetting()
    {
        Assert.That(() => new RunSettings { Width = 0 }.Validate(),
            Throws.TypeOf<SettingsException>().With.Property("Setting").EqualTo("width"));
        Assert.That(() => new RunSettings { Heads = 3 }.Validate(),
            Throws.TypeOf<SettingsException>().With.Message.Contains("not divisible by heads 3"));
        Assert.That(() => new RunSettings { Width = 96, Heads = 32 }.Validate(),
            Throws.TypeOf<SettingsException>().With.Message.Contains("must be even for RoPE"));
    }

    [Test]
    public void RatiosCategorySizeAndOptimiserAreValidated()
    {
        Assert.That(() => new RunSettings { AnalogicalOod = 1.5 }.Validate(),
            Throws.TypeOf<SettingsException>().With.Property("Setting").EqualTo("analogical-ood"));
        Assert.That(() => new RunSettings { CategorySize = 6 }.Validate(),
            Throws.TypeOf<SettingsException>().With.Message.Contains("exceeds entities = 10"));
        Assert.That(() => new RunSettings { Optimizer = "sgd" }.Validate(),
            Throws.TypeOf<SettingsException>().With.Property("Setting").EqualTo("optimizer"));
        Assert.That(() => new RunSettings { Lr = double.NaN }.Validate(),
            Throws.TypeOf<SettingsException>().With.Property("Setting").EqualTo("lr"));
    }

    [TestCase(4, 10000, null, "entities", "N = 4 is too small")]
    [TestCase(10, 3, null, "relations", "R = 3 is below k − 1 = 4")]
    [TestCase(10, 10000, 2, "category-size", "k = 2 is below 3")]
    public void TheGeneratorsWorldChecksRunUpFrontNamedByFlag(int entities, int relations, int? categorySize, string flag, string reason)
    {
        var settings = new RunSettings { Entities = entities, Relations = relations, CategorySize = categorySize };
        Assert.That(() => settings.Validate(), Throws.TypeOf<SettingsException>()
            .With.Property("Setting").EqualTo(flag).And.Message.StartsWith($"{flag}: {reason}"));
        // A dataset read from a folder brings its own world: the generator's knobs are not used, so not checked.
        Assert.That(() => (settings with { DataDir = "/data/world" }).Validate(), Throws.Nothing);
    }

    [TestCase("tpu", "unknown device 'tpu'")]
    [TestCase("cpu:-2", "device 'cpu:-2': the part after ':' must be a non-negative integer")]
    public void AnUnusableDeviceIsABadDeviceSetting(string spec, string message)
    {
        Assert.That(() => Engine.Train.Training.TrainingDevice.Open(spec), Throws.TypeOf<SettingsException>()
            .With.Property("Setting").EqualTo("device").And.Message.StartsWith($"device: {message}").And.Message.Not.Contains("(Parameter"));
        using var cpu = Engine.Train.Training.TrainingDevice.Open("cpu:1");
        Assert.That(cpu.Name, Does.StartWith("cpu"));
    }

    [Test]
    public void JsonRoundTripKeepsEverySetting()
    {
        var s = new RunSettings { Width = 512, CategorySize = 4, Tied = true, Optimizer = "adamw", DataDir = "d", Lr = 0.01 };
        var json = s.ToJson();
        Assert.That(json, Does.Contain("\"category_size\": 4").And.Contain("\"weight_decay\""));
        Assert.That(RunSettings.FromJson(json, "config.json"), Is.EqualTo(s));
        Assert.That(() => RunSettings.FromJson("{\"widht\": 3}", "config.json"),
            Throws.TypeOf<SettingsException>().With.Message.Contains("config.json"));
    }

    [Test]
    public void WorldVariantsAreLeftOutOfConfigJsonAtTheirDefaults()
    {
        var plain = new RunSettings().ToJson();
        foreach (var key in new[] { "edge_probability", "isomorphism_noise", "functors" })
            Assert.That(plain, Does.Not.Contain(key));
        var variant = new RunSettings { Entities = 12, EdgeProbability = 0.5, IsomorphismNoise = 0.2, Functors = 2 };
        var json = variant.ToJson();
        Assert.That(json, Does.Contain("\"edge_probability\": 0.5").And.Contain("\"isomorphism_noise\": 0.2").And.Contain("\"functors\": 2"));
        Assert.That(RunSettings.FromJson(json, "config.json"), Is.EqualTo(variant));
        Assert.That(RunSettings.FromJson(plain, "config.json"), Is.EqualTo(new RunSettings()));
        Assert.That(variant.ToWorldSettings(), Is.EqualTo(new Engine.Train.World.WorldSettings(Entities: 12, EdgeProbability: 0.5, IsomorphismNoise: 0.2, Functors: 2)));
    }

    [Test]
    public void WorldVariantsReadFromYamlUnderTheirReferenceStyleNames()
    {
        var s = YamlConfig.Parse("data:\n  num_entities: 12\n  edge_probability: 0.75\n  isomorphism_noise: 0.1\n  num_functors: 2\n", "x.yaml", new RunSettings());
        Assert.That((s.EdgeProbability, s.IsomorphismNoise, s.Functors), Is.EqualTo((0.75, 0.1, 2)));
        Assert.That(YamlConfig.Parse("functors: 3", "x.yaml", new RunSettings()).Functors, Is.EqualTo(3));
    }

    [TestCase(0.0, 0.0, 1, null, "edge-probability", "must be in (0, 1] (got 0)")]
    [TestCase(1.0, -0.2, 1, null, "isomorphism-noise", "must be in [0, 1] (got -0.2)")]
    [TestCase(1.0, 0.0, 0, null, "functors", "must be at least 1 (got 0)")]
    [TestCase(1.0, 0.0, 2, 4, "category-size", "3·k = 12 exceeds entities = 10 (3 categories for 2 functors)")]
    [TestCase(1.0, 0.0, 3, null, "entities", "N = 10 is too small: 4 disjoint categories (num_functors = 3)")]
    public void WorldVariantsAreValidatedByFlag(double rho, double eta, int functors, int? categorySize, string flag, string reason)
    {
        var settings = new RunSettings { EdgeProbability = rho, IsomorphismNoise = eta, Functors = functors, CategorySize = categorySize };
        Assert.That(() => settings.Validate(), Throws.TypeOf<SettingsException>()
            .With.Property("Setting").EqualTo(flag).And.Message.StartsWith($"{flag}: {reason}"));
    }
}
