using System.Text.Encodings.Web;
using System.Text.Json;

namespace Engine.Train.World;

/// <summary>
/// Writes a dataset in the reference layout: <c>vocab.json</c> (token strings in id order),
/// <c>train.json</c> ([{"input_text", "target_text"}]), <c>test.json</c> (the same plus "type", every
/// probe fact in type order), one <c>&lt;type&gt;.json</c> per probe type (with m ≥ 2 functors also
/// <c>id_analogical_j.json</c> and <c>ood_analogical_j.json</c> for j = 2 … m), and our
/// <c>world.json</c> (<see cref="WorldFile"/>). Each file is written to a temporary name in the same
/// directory and renamed into place, so a reader never sees half a file.
/// </summary>
public static class DatasetWriter
{
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        // Token strings are "<e_0>"; the default encoder would escape '<' and '>' as \u003C.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal static readonly JsonSerializerOptions SerializerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = Config.OmittedWhenAttribute.Resolver(),
    };

    /// <summary>Writes <paramref name="dataset"/> into <paramref name="directory"/> (created if absent; existing files replaced).</summary>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public static void Write(Dataset dataset, string directory)
    {
        Directory.CreateDirectory(directory);
        IReadOnlyList<string> vocab = dataset.Vocabulary;

        WriteAtomically(Path.Combine(directory, "vocab.json"), json =>
        {
            json.WriteStartArray();
            foreach (string token in vocab) json.WriteStringValue(token);
            json.WriteEndArray();
        });
        WriteAtomically(Path.Combine(directory, "train.json"), json => WriteFacts(json, vocab, dataset.TrainingFacts, withType: false));
        WriteAtomically(Path.Combine(directory, "test.json"), json => WriteFacts(json, vocab, [.. dataset.AllProbes], withType: true));
        foreach (ProbeType type in dataset.ProbeTypes)
            WriteAtomically(Path.Combine(directory, type.Label + ".json"), json => WriteFacts(json, vocab, dataset.Probes[type], withType: false));

        Dictionary<string, string> Map(FunctorMap f) => dataset.CategoryE1.ToDictionary(e => vocab[e], e => vocab[f.Map[e]]);
        var world = new WorldFile(
            WorldFile.CurrentFormat,
            dataset.Settings,
            [.. dataset.CategoryE1.Select(e => vocab[e])],
            [.. dataset.CategoryE2.Select(e => vocab[e])],
            Map(dataset.Functors[0]),
            dataset.Functors.Count == 1 ? null
                : [.. dataset.Functors.Skip(1).Select(f => new WorldFileFunctor(f.Token, [.. f.Category.Select(e => vocab[e])], Map(f)))]);
        WriteAtomically(Path.Combine(directory, WorldFile.FileName),
            json => JsonSerializer.Serialize(json, world, SerializerOptions), indented: true);
    }

    private static void WriteFacts(Utf8JsonWriter json, IReadOnlyList<string> vocab, IReadOnlyList<Fact> facts, bool withType)
    {
        json.WriteStartArray();
        foreach (Fact fact in facts)
        {
            string input = FactText.Join(vocab, fact.Input);
            json.WriteStartObject();
            json.WriteString("input_text", input);
            json.WriteString("target_text", input + vocab[fact.Target]);
            if (withType) json.WriteString("type", fact.Probe.Label);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>Writes through a temporary file in the target's directory, then renames it over the target.</summary>
    private static void WriteAtomically(string path, Action<Utf8JsonWriter> write, bool indented = false) =>
        Model.AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, WriterOptions with { Indented = indented });
            write(json);
            json.Flush();
        });
}
