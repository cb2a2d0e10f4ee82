using System.Text.Json;
using Engine.Model;

namespace Engine.Train.Llm;

/// <summary>
/// The tensors of a Hugging Face model folder, memory-mapped read-only: <c>model.safetensors</c>, or the shards
/// named by <c>model.safetensors.index.json</c> (<c>weight_map</c>: tensor → file). Nothing is read into memory
/// until <see cref="ReadFloat32(string, Span{float})"/> converts one tensor (BF16, F16 or F32 on disk → float32). On opening, every
/// tensor the config implies is checked for presence, shape and dtype (<see cref="LlmTensorNames.Expected"/>).
/// </summary>
public sealed class LlmWeights : IDisposable
{
    /// <summary>The single-file checkpoint name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The index of a sharded checkpoint.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafeTensorsMappedFile> _files;
    private readonly Dictionary<string, (SafeTensorsMappedFile File, SafeTensorInfo Info)> _byName;

    private LlmWeights(string modelDir, List<SafeTensorsMappedFile> files, Dictionary<string, (SafeTensorsMappedFile, SafeTensorInfo)> byName)
    {
        ModelDir = modelDir;
        _files = files;
        _byName = byName;
    }

    /// <summary>The model folder.</summary>
    public string ModelDir { get; }

    /// <summary>The safetensors files mapped, in index order.</summary>
    public IReadOnlyList<string> Files => [.. _files.Select(f => f.Path)];

    /// <summary>Bytes of all mapped files together.</summary>
    public long TotalBytes => _files.Sum(f => f.FileLength);

    /// <summary>The unembedding (V, C): <c>lm_head.weight</c>, or the embedding when the checkpoint ties them.</summary>
    public string UnembeddingName => Has(LlmTensorNames.LmHead) ? LlmTensorNames.LmHead : LlmTensorNames.Embedding;

    /// <summary>Whether the checkpoint holds a tensor of that name.</summary>
    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>The tensor's shape as stored.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public int[] Shape(string name) => [.. Entry(name).Info.Shape];

    /// <summary>The tensor's safetensors dtype ("BF16", "F16", "F32").</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public string DType(string name) => Entry(name).Info.DType;

    /// <summary>The tensor's element count (the product of its shape).</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public long ElementCount(string name) => Entry(name).Info.ElementCount;

    /// <summary>Converts the tensor into <paramref name="destination"/> (row-major, ElementCount floats), straight from the map.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    /// <exception cref="ArgumentException">The destination length differs from the element count.</exception>
    public void ReadFloat32(string name, Span<float> destination)
    {
        var (file, info) = Entry(name);
        file.ReadFloat32(info, destination);
    }

    /// <summary>
    /// Converts elements [<paramref name="firstElement"/>, <paramref name="firstElement"/> + destination.Length) of the
    /// tensor (row-major) into <paramref name="destination"/>: a large tensor through a small buffer.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range reaches outside the tensor.</exception>
    public void ReadFloat32(string name, long firstElement, Span<float> destination)
    {
        var (file, info) = Entry(name);
        file.ReadFloat32(info, firstElement, destination);
    }

    /// <summary>Drops the tensor's mapped pages from this process's resident set once it has been read (see
    /// <see cref="SafeTensorsMappedFile.DropResidentPages"/>); reading it again still works.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public void DropResidentPages(string name)
    {
        var (file, info) = Entry(name);
        file.DropResidentPages(info);
    }

    /// <summary>The tensor as a new float32 array.</summary>
    public float[] ReadFloat32(string name)
    {
        var values = new float[checked((int)ElementCount(name))];
        ReadFloat32(name, values);
        return values;
    }

    /// <summary>
    /// Maps the checkpoint of <paramref name="modelDir"/> and checks every tensor <paramref name="config"/> needs
    /// (tensors the architecture does not use, such as rotary caches, are ignored). Progress: one step "map" per file.
    /// </summary>
    /// <exception cref="LlmInputException">No checkpoint, a malformed index or safetensors file, a tensor missing or of
    /// the wrong shape or dtype (one line naming the file and the tensor).</exception>
    public static LlmWeights Open(string modelDir, LlmConfig config, IProgress<LlmLoadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(modelDir);
        ArgumentNullException.ThrowIfNull(config);
        var (fileNames, weightMap, indexPath) = Locate(modelDir);
        var files = new List<SafeTensorsMappedFile>();
        try
        {
            var byName = new Dictionary<string, (SafeTensorsMappedFile, SafeTensorInfo)>(StringComparer.Ordinal);
            foreach (var fileName in fileNames)
            {
                var file = MapFile(Path.Combine(modelDir, fileName));
                files.Add(file);
                foreach (var tensor in file.Tensors)
                {
                    if (weightMap is not null && weightMap.GetValueOrDefault(tensor.Name) != fileName) continue;
                    if (!byName.TryAdd(tensor.Name, (file, tensor)))
                        throw new LlmInputException($"{file.Path}: tensor '{tensor.Name}' is also in {byName[tensor.Name].Item1.Path}");
                }
                progress?.Report(new LlmLoadProgress("map", files.Count, fileNames.Count));
            }
            if (weightMap is not null)
                foreach (var (name, fileName) in weightMap)
                    if (!byName.ContainsKey(name))
                        throw new LlmInputException($"{Path.Combine(modelDir, fileName)}: has no tensor '{name}' (named by {indexPath})");
            var weights = new LlmWeights(modelDir, files, byName);
            weights.Check(config);
            return weights;
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    /// <summary>Unmaps every file.</summary>
    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private (SafeTensorsMappedFile File, SafeTensorInfo Info) Entry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"{ModelDir}: no tensor '{name}'");
    }

    private void Check(LlmConfig config)
    {
        foreach (var (name, shape) in LlmTensorNames.Expected(config))
        {
            if (!_byName.TryGetValue(name, out var entry))
                throw new LlmInputException($"{ModelDir}: tensor '{name}' is missing (expected shape [{string.Join(", ", shape)}])");
            CheckEntry(entry.File, entry.Info, shape);
        }
        // A checkpoint may carry lm_head even with tie_word_embeddings set; then it must fit too.
        if (config.TieWordEmbeddings && _byName.TryGetValue(LlmTensorNames.LmHead, out var head))
            CheckEntry(head.File, head.Info, [config.VocabSize, config.HiddenSize]);
    }

    private static void CheckEntry(SafeTensorsMappedFile file, SafeTensorInfo info, int[] shape)
    {
        if (!info.Shape.SequenceEqual(shape))
            throw new LlmInputException($"{file.Path}: tensor '{info.Name}' has shape {info.ShapeText}; config.json implies [{string.Join(", ", shape)}]");
        if (info.DType is not ("BF16" or "F16" or "F32"))
            throw new LlmInputException($"{file.Path}: tensor '{info.Name}' has dtype {info.DType}; supported: BF16, F16, F32");
    }

    private static SafeTensorsMappedFile MapFile(string path)
    {
        try
        {
            return SafeTensorsMappedFile.Open(path);
        }
        catch (FileNotFoundException e)
        {
            throw new LlmInputException($"{path}: not found", e);
        }
        catch (InvalidDataException e)
        {
            throw new LlmInputException(e.Message, e);
        }
        catch (IOException e)
        {
            throw new LlmInputException(e.Message, e);
        }
    }

    /// <summary>The files to map and, for a sharded checkpoint, the index's weight_map.</summary>
    private static (List<string> Files, Dictionary<string, string>? WeightMap, string? IndexPath) Locate(string modelDir)
    {
        if (!Directory.Exists(modelDir)) throw new LlmInputException($"{modelDir}: no such model folder");
        var indexPath = Path.Combine(modelDir, IndexFileName);
        if (File.Exists(indexPath))
        {
            var weightMap = ReadIndex(indexPath);
            return ([.. weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], weightMap, indexPath);
        }
        if (File.Exists(Path.Combine(modelDir, SingleFileName))) return ([SingleFileName], null, null);
        var shards = Directory.GetFiles(modelDir, "model-*-of-*.safetensors");
        throw new LlmInputException(shards.Length > 0
            ? $"{indexPath}: not found (the folder has {shards.Length} shard files but no index naming their tensors)"
            : $"{modelDir}: no {SingleFileName} or {IndexFileName}");
    }

    private static Dictionary<string, string> ReadIndex(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new LlmInputException($"{path}: has no 'weight_map' object");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                var file = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
                if (file.Length == 0 || file != Path.GetFileName(file) || !file.EndsWith(".safetensors", StringComparison.Ordinal))
                    throw new LlmInputException($"{path}: weight_map entry '{entry.Name}' is {entry.Value.GetRawText()}, not a .safetensors file name in the folder");
                result[entry.Name] = file;
            }
            if (result.Count == 0) throw new LlmInputException($"{path}: 'weight_map' is empty");
            return result;
        }
        catch (JsonException e)
        {
            throw new LlmInputException($"{path}: not valid JSON: {e.Message}", e);
        }
    }
}
