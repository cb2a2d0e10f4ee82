using System.Numerics;
using System.Text.Json;

namespace Engine.Model;

/// <summary>
/// Model checkpoints as safetensors files with the reference model's state_dict names and shapes
/// (TASK.md section 7); the model config is stored as JSON under the metadata key
/// <see cref="ModelConfigKey"/>, next to any metadata the caller adds (e.g. the run's resolved settings).
/// </summary>
public static class Checkpoint
{
    /// <summary>Metadata key of the <see cref="GptConfig"/> JSON.</summary>
    public const string ModelConfigKey = "model_config";

    /// <summary>
    /// Writes every state_dict tensor of <paramref name="model"/> (float32 → F32, float64 → F64; with tying
    /// "head.weight" repeats the embedding values) atomically to <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The metadata uses the reserved key <see cref="ModelConfigKey"/>.</exception>
    /// <exception cref="NonFiniteParameterException">A value is NaN or infinite (nothing is written, so a good file stays good).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save<T>(string path, Gpt<T> model, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var writer = new SafeTensorsWriter();
        writer.Metadata[ModelConfigKey] = model.Config.ToJson();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (key == ModelConfigKey) throw new ArgumentException($"metadata key '{key}' is reserved for the model config", nameof(metadata));
            writer.Metadata[key] = value;
        }
        foreach (var (name, tensor) in model.StateDict)
        {
            var values = tensor.ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                if (!T.IsFinite(values[i]))
                    throw new NonFiniteParameterException($"'{name}' holds {values[i]} at element {i}; not writing '{path}'");
            }
            writer.Add<T>(name, tensor.Shape.ToArray(), values);
        }
        writer.Save(path);
    }

    /// <summary>The model config stored in a checkpoint's metadata.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or has no valid model config (the message names the file).</exception>
    public static GptConfig ReadConfig(string path) => ConfigOf(SafeTensorsFile.Read(path));

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/>. Every expected name must be present with the model's
    /// shape and dtype F32 or F64, and no other tensor may be present; with tying, "head.weight" may be absent
    /// (PyTorch drops shared tensors) but, when present, must equal "tok_emb.weight". A stored model config
    /// must match the model's (init std aside). Nothing is changed unless the whole file is valid.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the model (the message names the file and the fault).</exception>
    public static void Load<T>(string path, Gpt<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var file = SafeTensorsFile.Read(path);
        if (file.Metadata.ContainsKey(ModelConfigKey))
        {
            var stored = ConfigOf(file) with { InitStd = model.Config.InitStd };
            if (stored != model.Config)
                throw new InvalidDataException($"{path}: saved for model {stored.ToJson()} but the model is {model.Config.ToJson()}");
        }

        var expected = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<(Tensor<T> Tensor, T[] Values)>();
        foreach (var (name, tensor) in model.StateDict)
        {
            expected.Add(name);
            var entry = file.Find(name);
            var tiedHead = model.Config.Tied && name == "head.weight";
            if (entry is null)
            {
                if (tiedHead) continue;
                throw new InvalidDataException($"{path}: tensor '{name}' is missing");
            }
            var values = ReadChecked(file, entry, tensor);
            if (tiedHead)
            {
                var embedding = pending.Single(p => ReferenceEquals(p.Tensor, tensor)).Values;
                if (!values.AsSpan().SequenceEqual(embedding))
                    throw new InvalidDataException($"{path}: the model is tied but 'head.weight' differs from 'tok_emb.weight'");
                continue;
            }
            pending.Add((tensor, values));
        }
        var unexpected = file.Tensors.Where(t => !expected.Contains(t.Name)).Select(t => t.Name).ToList();
        if (unexpected.Count > 0)
            throw new InvalidDataException($"{path}: unexpected tensors {string.Join(", ", unexpected)}");

        foreach (var (tensor, values) in pending) model.Device.Upload<T>(values, tensor.Data);
    }

    /// <summary>Reads a tensor after checking its dtype and shape against <paramref name="target"/>.</summary>
    internal static T[] ReadChecked<T>(SafeTensorsFile file, SafeTensorInfo entry, Tensor<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (entry.DType is not ("F32" or "F64"))
            throw new InvalidDataException($"{file.Path}: tensor '{entry.Name}' has dtype {entry.DType}; expected F32 or F64");
        var shape = target.Shape;
        var same = entry.Shape.Count == shape.Rank;
        for (var i = 0; same && i < shape.Rank; i++) same = entry.Shape[i] == shape[i];
        if (!same)
            throw new InvalidDataException($"{file.Path}: tensor '{entry.Name}' has shape {entry.ShapeText}; expected [{string.Join(", ", shape.ToArray())}]");
        var values = new T[target.Count];
        file.ReadValues<T>(entry, values);
        return values;
    }

    private static GptConfig ConfigOf(SafeTensorsFile file)
    {
        if (!file.Metadata.TryGetValue(ModelConfigKey, out var json))
            throw new InvalidDataException($"{file.Path}: no '{ModelConfigKey}' in the metadata");
        try
        {
            return GptConfig.FromJson(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file.Path}: metadata '{ModelConfigKey}' is not a model config: {e.Message}", e);
        }
    }
}
