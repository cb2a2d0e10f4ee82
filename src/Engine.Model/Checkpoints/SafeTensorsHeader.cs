using System.Buffers.Binary;
using System.Text.Json;

namespace Engine.Model;

/// <summary>
/// The validated header of a safetensors file: its tensor entries (sorted by data offset) and string metadata.
/// The checks — header length, JSON, dtypes, shapes, byte ranges in bounds, the size the dtype and shape imply,
/// non-overlapping, covering the data section — are shared by the in-memory reader (<see cref="SafeTensorsFile"/>)
/// and the memory-mapped one (<see cref="SafeTensorsMappedFile"/>). Every problem is an
/// <see cref="InvalidDataException"/> whose message starts with the file path.
/// </summary>
public sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>
    /// The header length N stored in the first 8 bytes of a file of <paramref name="fileLength"/> bytes, checked to be
    /// plausible and to fit in the file.
    /// </summary>
    /// <exception cref="InvalidDataException">Fewer than 8 bytes, an implausible length, or a header running past the end.</exception>
    public static long ReadLength(string path, ReadOnlySpan<byte> first8, long fileLength)
    {
        if (fileLength < 8 || first8.Length < 8)
            throw Invalid(path, $"{fileLength} bytes is too short for a safetensors header length (the file is empty or truncated)");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(first8);
        if (headerLength == 0 || headerLength > SafeTensorsFormat.MaxHeaderBytes)
            throw Invalid(path, $"header length {headerLength} is implausible: not a safetensors file");
        if (headerLength > (ulong)(fileLength - 8))
            throw Invalid(path, $"truncated: the header needs {headerLength} bytes but only {fileLength - 8} follow the length field");
        return (long)headerLength;
    }

    /// <summary>Parses and validates the JSON header <paramref name="json"/> for a data section of <paramref name="dataLength"/> bytes.</summary>
    /// <exception cref="InvalidDataException">Not well-formed (the message names <paramref name="path"/> and the fault).</exception>
    public static SafeTensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Invalid(path, "the header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafeTensorInfo>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Invalid(path, $"the header names '{property.Name}' twice");
                if (property.Name == SafeTensorsFormat.MetadataKey) ReadMetadata(path, property.Value, metadata);
                else tensors.Add(ReadEntry(path, property.Name, property.Value, dataLength));
            }
            tensors.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            long expected = 0;
            foreach (var tensor in tensors)
            {
                if (tensor.Begin != expected)
                    throw Invalid(path, tensor.Begin < expected
                        ? $"tensor '{tensor.Name}' overlaps the previous tensor (starts at byte {tensor.Begin}, expected {expected})"
                        : $"a gap of {tensor.Begin - expected} bytes precedes tensor '{tensor.Name}'");
                expected = tensor.End;
            }
            if (expected != dataLength)
                throw Invalid(path, $"the data section has {dataLength} bytes but the tensors cover {expected}");
            return new SafeTensorsHeader(tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Invalid(path, "__metadata__ is not a JSON object");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String) throw Invalid(path, $"__metadata__ entry '{entry.Name}' is not a string");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadEntry(string path, string name, JsonElement element, long dataLength)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Invalid(path, $"header entry '{name}' is not an object");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Invalid(path, $"tensor '{name}' has no dtype string");
        var dtype = dtypeElement.GetString()!;
        var size = SafeTensorsFormat.ElementSize(dtype);
        if (size == 0) throw Invalid(path, $"tensor '{name}' has unknown dtype '{dtype}'");

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Invalid(path, $"tensor '{name}' has no shape array");
        var shape = new List<int>();
        long count = 1;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var dim) || dim < 0)
                throw Invalid(path, $"tensor '{name}' has a shape entry that is not a non-negative integer");
            shape.Add(dim);
            count = checked(count * dim);
        }

        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Invalid(path, $"tensor '{name}' has no [begin, end] data_offsets");
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw Invalid(path, $"tensor '{name}' has invalid data_offsets");
        if (end > dataLength)
            throw Invalid(path, $"truncated: tensor '{name}' needs bytes up to {end} but the data section has {dataLength}");
        if (end - begin != count * size)
            throw Invalid(path, $"tensor '{name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {count * size} bytes but data_offsets span {end - begin}");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static InvalidDataException Invalid(string path, string message) => new($"{path}: {message}");
}
