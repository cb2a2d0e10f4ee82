using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.World;

/// <summary>Deep equality of two datasets, field by field.</summary>
internal static class DatasetAssert
{
    public static void Identical(Dataset expected, Dataset actual, bool compareSettings = true)
    {
        Assert.Multiple(() =>
        {
            if (compareSettings) Assert.That(actual.Settings, Is.EqualTo(expected.Settings), "settings");
            Assert.That(actual.Vocabulary, Is.EqualTo(expected.Vocabulary), "vocabulary");
            Assert.That(actual.TrainingFacts, Is.EqualTo(expected.TrainingFacts), "training facts");
            Assert.That(actual.ProbeTypes, Is.EqualTo(expected.ProbeTypes), "probe types");
            foreach (ProbeType type in expected.ProbeTypes)
                Assert.That(actual.Probes[type], Is.EqualTo(expected.Probes[type]), type.Label);
            Assert.That(actual.CategoryE1, Is.EqualTo(expected.CategoryE1), "E1");
            Assert.That(actual.CategoryE2, Is.EqualTo(expected.CategoryE2), "E2");
            Assert.That(actual.Functor, Is.EquivalentTo(expected.Functor), "F");
            Assert.That(actual.Functors, Has.Count.EqualTo(expected.Functors.Count), "functors");
            for (int j = 0; j < Math.Min(actual.Functors.Count, expected.Functors.Count); j++)
            {
                Assert.That(actual.Functors[j].Index, Is.EqualTo(expected.Functors[j].Index), $"F_{j + 1} index");
                Assert.That(actual.Functors[j].Category, Is.EqualTo(expected.Functors[j].Category), $"E{j + 2}");
                Assert.That(actual.Functors[j].Map, Is.EquivalentTo(expected.Functors[j].Map), $"F_{j + 1}");
            }
        });
    }
}
