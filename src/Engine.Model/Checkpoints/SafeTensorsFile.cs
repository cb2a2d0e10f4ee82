using System.Numerics;
using System.Runtime.InteropServices;

namespace Engine.Model;

/// <summary>
/// A safetensors file read into memory and validated: header length, JSON, dtypes, shapes and byte
/// ranges (in bounds, the size the dtype and shape imply, non-overlapping, covering the data section).
/// Every problem is an <see cref="InvalidDataException"/> whose message starts with the file path.
/// </summary>
public sealed class SafeTensorsFile
{
    private readonly byte[] _bytes;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(string path, byte[] bytes, long dataStart, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        _bytes = bytes;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was read from.</summary>
    public string Path { get; }

    /// <summary>Tensor entries in data order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" strings (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public SafeTensorInfo? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file (the message names the file and the fault).</exception>
    /// <exception cref="IOException">The file cannot be read (the message names it).</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FileNotFoundException)
        {
            throw new IOException($"{path}: cannot read the file: {e.Message}", e);
        }
        return Parse(path, bytes);
    }

    /// <summary>Validates <paramref name="bytes"/> as the content of the file <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not well-formed (the message names <paramref name="path"/>).</exception>
    public static SafeTensorsFile Parse(string path, byte[] bytes)
    {
        var headerLength = SafeTensorsHeader.ReadLength(path, bytes, bytes.Length);
        var dataStart = 8 + headerLength;
        var header = SafeTensorsHeader.Parse(path, bytes.AsMemory(8, (int)headerLength), bytes.Length - dataStart);
        return new SafeTensorsFile(path, bytes, dataStart, [.. header.Tensors], new Dictionary<string, string>(header.Metadata));
    }

    /// <summary>The raw little-endian bytes of a tensor.</summary>
    public ReadOnlySpan<byte> Bytes(SafeTensorInfo tensor)
        => _bytes.AsSpan((int)(_dataStart + tensor.Begin), (int)(tensor.End - tensor.Begin));

    /// <summary>
    /// Converts a F32 or F64 tensor into <paramref name="destination"/> (ElementCount values), rounding when
    /// narrowing F64 to float.
    /// </summary>
    /// <exception cref="InvalidDataException">The dtype is neither F32 nor F64 (the message names file and tensor).</exception>
    /// <exception cref="ArgumentException">The destination length differs from the element count.</exception>
    public void ReadValues<T>(SafeTensorInfo tensor, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != tensor.ElementCount)
            throw new ArgumentException($"{Path}: tensor '{tensor.Name}' has {tensor.ElementCount} values, destination {destination.Length}");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian host");
        var raw = Bytes(tensor);
        switch (tensor.DType)
        {
            case "F32":
                var floats = MemoryMarshal.Cast<byte, float>(raw);
                for (var i = 0; i < floats.Length; i++) destination[i] = T.CreateTruncating(floats[i]);
                break;
            case "F64":
                var doubles = MemoryMarshal.Cast<byte, double>(raw);
                for (var i = 0; i < doubles.Length; i++) destination[i] = T.CreateTruncating(doubles[i]);
                break;
            default:
                throw Invalid(Path, $"tensor '{tensor.Name}' has dtype {tensor.DType}; only F32 and F64 are supported");
        }
    }

    private static InvalidDataException Invalid(string path, string message) => new($"{path}: {message}");
}
