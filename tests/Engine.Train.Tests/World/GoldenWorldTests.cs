using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Engine.Train.Config;
using Engine.Train.Training;
using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.World;

/// <summary>
/// The world variants (sparse graphs, noisy isomorphism, several functors) must leave the worlds and metrics of
/// their defaults exactly as they were. The digests and the metrics file were produced by the code before the
/// variants existed (commit c7540c2, <c>engine data generate</c> and <c>engine train</c> with the flags below).
/// </summary>
[TestFixture]
[Category("World")]
public sealed class GoldenWorldTests
{
    private static IEnumerable<TestCaseData> Worlds()
    {
        yield return new TestCaseData(new WorldSettings(),
            "6b5c6de6423bf99310fea70944ef4b90c3078345f26b1cc8985363c96d55fc3b").SetArgDisplayNames("default");
        // --f-inverse --atomic-ood 0.25 --entities 16 --category-size 6 --relations 50 --analogical-ood 0.5 --data-seed 3
        yield return new TestCaseData(new WorldSettings(16, 50, 6, 0.25, 0.1, 0.5, IncludeFInverse: true, Seed: 3),
            "e7aa096577e0d4a390415e6e907ee7406d25c9c033fc6880f56664d809cf0736").SetArgDisplayNames("f-inverse, atomic held out");
        // --duplicate-relation --entities 9 --relations 100 --category-size 3 --compositional-ood 0 --analogical-ood 0 --data-seed 5
        yield return new TestCaseData(new WorldSettings(9, 100, 3, 0, 0, 0, DuplicateRelation: true, Seed: 5),
            "6a97bf90f598d4761ee0bf268ab49a4b60cfdbe5e1528df0d446986eb6cc775c").SetArgDisplayNames("duplicate relations");
    }

    /// <summary>SHA-256 over "name:sha256(file)\n" for every file of the folder in ordinal name order.</summary>
    private static string FolderDigest(string directory)
    {
        var text = new StringBuilder();
        foreach (var path in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            text.Append(Path.GetFileName(path)).Append(':').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    [TestCaseSource(nameof(Worlds))]
    public void DefaultVariants_WriteTheSameFilesByteForByte(WorldSettings settings, string digest)
    {
        var directory = TestFiles.NewTempDirectory();
        try
        {
            DatasetWriter.Write(AnalogyWorld.Generate(settings), directory);
            Assert.That(FolderDigest(directory), Is.EqualTo(digest));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// <c>engine train --width 16 --depth 2 --heads 2 --epochs 4 --lr 0.01 --device cpu:1 --checkpoint-every 0</c> on the
    /// default world: every key of every metrics line is as it was, integers exactly, real numbers to 1e-3
    /// relative (kernels may round differently), accuracies to one fact (a near-tie may flip an argmax).
    /// </summary>
    [Test]
    public void DefaultRun_WritesTheSameMetrics()
    {
        var directory = TestFiles.NewTempDirectory();
        try
        {
            var settings = new RunSettings { Width = 16, Depth = 2, Heads = 2, Epochs = 4, Lr = 0.01, Device = "cpu:1", CheckpointEvery = 0 };
            using (var trainer = new Trainer(settings, directory, resume: false)) trainer.Run();
            var actual = File.ReadAllLines(Path.Combine(directory, "metrics.jsonl"));
            var expected = File.ReadAllLines(Path.Combine(TestFiles.RepositoryRoot(), "tests", "Engine.Train.Tests", "Golden", "default-world.metrics.jsonl"));
            Assert.That(actual, Has.Length.EqualTo(expected.Length));
            for (var i = 0; i < expected.Length; i++)
                AssertClose(JsonNode.Parse(expected[i])!, JsonNode.Parse(actual[i])!, $"line {i + 1}", null);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertClose(JsonNode expected, JsonNode? actual, string path, int? factCount)
    {
        switch (expected)
        {
            case JsonObject expectedObject:
                Assert.That(actual, Is.InstanceOf<JsonObject>(), path);
                var actualObject = actual!.AsObject();
                Assert.That(actualObject.Select(p => p.Key), Is.EqualTo(expectedObject.Select(p => p.Key)), $"{path}: keys");
                int? n = expectedObject["n"]?.GetValue<int>();
                foreach (var (key, value) in expectedObject)
                {
                    if (key == "seconds") continue;
                    if (value is null) Assert.That(actualObject[key], Is.Null, $"{path}.{key}");
                    else AssertClose(value, actualObject[key], $"{path}.{key}", key == "acc" ? n : null);
                }
                break;
            case JsonArray expectedArray:
                Assert.That(actual, Is.InstanceOf<JsonArray>(), path);
                var actualArray = actual!.AsArray();
                Assert.That(actualArray, Has.Count.EqualTo(expectedArray.Count), path);
                for (var i = 0; i < expectedArray.Count; i++)
                {
                    if (expectedArray[i] is null) Assert.That(actualArray[i], Is.Null, $"{path}[{i}]");
                    else AssertClose(expectedArray[i]!, actualArray[i], $"{path}[{i}]", null);
                }
                break;
            default:
                Assert.That(actual, Is.Not.Null, path);
                var text = expected.ToJsonString();
                if (!text.Contains('.') && !text.Contains('e') && factCount is null)
                {
                    Assert.That(actual!.ToJsonString(), Is.EqualTo(text), path);
                    break;
                }
                var want = expected.GetValue<double>();
                var got = actual!.GetValue<double>();
                var tolerance = factCount is { } count ? 1.01 / count : 1e-6 + 1e-3 * Math.Abs(want);
                Assert.That(got, Is.EqualTo(want).Within(tolerance), path);
                break;
        }
    }
}
