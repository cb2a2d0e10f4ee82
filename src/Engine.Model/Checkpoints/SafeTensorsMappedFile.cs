using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Engine.Model;

/// <summary>
/// A safetensors file memory-mapped read-only: the header is read and validated up front (as
/// <see cref="SafeTensorsHeader"/> does), the data section stays on disk and is paged in only while a tensor is
/// converted, so files larger than memory can be read tensor by tensor. Safe to read from several threads.
/// </summary>
public sealed unsafe class SafeTensorsMappedFile : IDisposable
{
    /// <summary>Elements converted per slice: the span over the map stays far below 2 GiB whatever the tensor's size.</summary>
    private const int SliceElements = 1 << 22;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly Dictionary<string, SafeTensorInfo> _byName;
    private bool _disposed;

    private SafeTensorsMappedFile(string path, long fileLength, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart, SafeTensorsHeader header)
    {
        Path = path;
        FileLength = fileLength;
        _map = map;
        _view = view;
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _data = start + view.PointerOffset + dataStart;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened from.</summary>
    public string Path { get; }

    /// <summary>The file's size in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Tensor entries in data order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" strings (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public SafeTensorInfo? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Opens <paramref name="path"/>, validates its header and maps the file read-only.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a well-formed safetensors file (the message names the file and the fault).</exception>
    /// <exception cref="IOException">The file cannot be read or mapped (the message names it).</exception>
    public static SafeTensorsMappedFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        try
        {
            long fileLength, headerLength;
            byte[] json;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                fileLength = stream.Length;
                Span<byte> first8 = stackalloc byte[8];
                var got = stream.ReadAtLeast(first8, 8, throwOnEndOfStream: false);
                headerLength = SafeTensorsHeader.ReadLength(path, first8[..got], fileLength);
                json = new byte[headerLength];
                stream.ReadExactly(json);
            }
            var dataStart = 8 + headerLength;
            var header = SafeTensorsHeader.Parse(path, json, fileLength - dataStart);
            var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
            try
            {
                var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                return new SafeTensorsMappedFile(path, fileLength, map, view, dataStart, header);
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FileNotFoundException && e is not InvalidDataException)
        {
            throw new IOException($"{path}: cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Converts the tensor into <paramref name="destination"/> (ElementCount values, row-major as stored):
    /// F32 copied, BF16 widened exactly, F16 and F64 converted to the nearest float.
    /// </summary>
    /// <exception cref="InvalidDataException">Another dtype (the message names the file and the tensor).</exception>
    /// <exception cref="ArgumentException">The destination length differs from the element count.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public void ReadFloat32(SafeTensorInfo tensor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (destination.Length != tensor.ElementCount)
            throw new ArgumentException($"{Path}: tensor '{tensor.Name}' has {tensor.ElementCount} values, destination {destination.Length}");
        ReadFloat32(tensor, 0, destination);
    }

    /// <summary>
    /// Converts elements [<paramref name="firstElement"/>, <paramref name="firstElement"/> + destination.Length) of the
    /// tensor (row-major as stored) into <paramref name="destination"/>, as <see cref="ReadFloat32(SafeTensorInfo, Span{float})"/>
    /// does for the whole tensor: a large tensor can be converted through a small buffer.
    /// </summary>
    /// <exception cref="InvalidDataException">A dtype other than F32, BF16, F16, F64.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range reaches outside the tensor.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public void ReadFloat32(SafeTensorInfo tensor, long firstElement, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensor);
        if (firstElement < 0 || firstElement + destination.Length > tensor.ElementCount)
            throw new ArgumentOutOfRangeException(nameof(firstElement), firstElement,
                $"{Path}: tensor '{tensor.Name}': elements [{firstElement}, {firstElement + destination.Length}) outside its {tensor.ElementCount}");
        if (!_byName.TryGetValue(tensor.Name, out var own) || own != tensor)
            throw new ArgumentException($"{Path}: tensor '{tensor.Name}' is not an entry of this file");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian host");
        var size = SafeTensorsFormat.ElementSize(tensor.DType);
        if (tensor.DType is not ("F32" or "BF16" or "F16" or "F64"))
            throw new InvalidDataException($"{Path}: tensor '{tensor.Name}' has dtype {tensor.DType}; only F32, BF16, F16 and F64 convert to float32");
        for (long done = 0; done < destination.Length; done += SliceElements)
        {
            var count = (int)Math.Min(SliceElements, destination.Length - done);
            var raw = new ReadOnlySpan<byte>(_data + tensor.Begin + (firstElement + done) * size, count * size);
            var slice = destination.Slice((int)done, count);
            switch (tensor.DType)
            {
                case "F32": MemoryMarshal.Cast<byte, float>(raw).CopyTo(slice); break;
                case "BF16": BFloat16Bits.ToSingle(MemoryMarshal.Cast<byte, ushort>(raw), slice); break;
                case "F16": TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw), slice); break;
                default:
                    var doubles = MemoryMarshal.Cast<byte, double>(raw);
                    for (var i = 0; i < count; i++) slice[i] = (float)doubles[i];
                    break;
            }
        }
    }

    /// <summary>
    /// Tells the kernel this process no longer needs the tensor's mapped pages (Linux: madvise MADV_DONTNEED on the whole
    /// pages inside the tensor's bytes). The page cache keeps them and a later read pages them in again; only this
    /// process's resident set shrinks — so converting a checkpoint tensor by tensor does not leave the whole file
    /// resident. No effect elsewhere.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public void DropResidentPages(SafeTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!OperatingSystem.IsLinux()) return;
        var page = Environment.SystemPageSize;
        var start = (nint)(_data + tensor.Begin);
        var end = (nint)(_data + tensor.End);
        var first = (start + page - 1) & ~(nint)(page - 1);
        var last = end & ~(nint)(page - 1);
        if (last > first) _ = Madvise(first, (nuint)(last - first), MadviseDontNeed);
    }

    private const int MadviseDontNeed = 4;

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
