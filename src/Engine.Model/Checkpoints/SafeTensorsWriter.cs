using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Engine.Model;

/// <summary>
/// Collects tensors and string metadata, then writes one safetensors file atomically (temp file + rename).
/// Tensors are laid out in the order added, without gaps.
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, string DType, int[] Shape, byte[] Bytes)> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>String metadata written as "__metadata__" (insertion order kept).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Adds a float32 or float64 tensor; the values are copied now.</summary>
    /// <exception cref="ArgumentException">Duplicate or reserved name, or the value count differs from the shape's.</exception>
    public void Add<T>(string name, IReadOnlyList<int> shape, ReadOnlySpan<T> values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing needs a little-endian host");
        AddEncoded(name, SafeTensorsFormat.DTypeOf<T>(), shape, MemoryMarshal.AsBytes(values));
    }

    /// <summary>
    /// Adds a tensor already encoded as little-endian elements of <paramref name="dtype"/> (e.g. "BF16" from
    /// <see cref="BFloat16Bits"/>, "F16"); the bytes are copied now.
    /// </summary>
    /// <exception cref="ArgumentException">Duplicate or reserved name, unknown dtype, or a byte count other than the shape's element count times the dtype size.</exception>
    public void AddEncoded(string name, string dtype, IReadOnlyList<int> shape, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafeTensorsFormat.MetadataKey) throw new ArgumentException($"'{name}' is reserved", nameof(name));
        var size = SafeTensorsFormat.ElementSize(dtype);
        if (size == 0) throw new ArgumentException($"tensor '{name}': unknown dtype '{dtype}'", nameof(dtype));
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count * size != bytes.Length)
            throw new ArgumentException($"tensor '{name}': {bytes.Length} bytes for {dtype} shape [{string.Join(", ", shape)}] ({count * size} expected)", nameof(bytes));
        if (!_names.Add(name)) throw new ArgumentException($"tensor '{name}' added twice", nameof(name));
        _tensors.Add((name, dtype, [.. shape], bytes.ToArray()));
    }

    /// <summary>Writes the file: a temp file in the same folder, flushed, then renamed over <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path)
    {
        var header = BuildHeader();
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var tensor in _tensors) stream.Write(tensor.Bytes);
        });
    }

    private byte[] BuildHeader()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(SafeTensorsFormat.MetadataKey);
                foreach (var (key, value) in Metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, dtype, shape, bytes) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes.Length;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        var padded = (buffer.Length + 7) / 8 * 8;
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
