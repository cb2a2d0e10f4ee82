using System.Numerics;
using Engine.Kernels;

namespace Engine.Model;

/// <summary>
/// Per-step storage for activations and their gradients: values and gradients are bump-allocated
/// from two reusable device buffers, and the <see cref="Tensor{T}"/> objects come from a pool. After
/// the first step of a given shape the arena has grown to its high-water mark and a step allocates
/// nothing, neither device memory nor managed objects.
/// </summary>
/// <remarks>
/// <see cref="Reset"/> starts a new step: every tensor handed out before is rebound later and must
/// no longer be used. The gradient region used by the previous step is zeroed there in one fill, so
/// every gradient handed out starts at zero (backward ops accumulate).
/// </remarks>
public sealed class Arena<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BumpBuffer _values;
    private readonly BumpBuffer _gradients;
    private readonly List<Tensor<T>> _pool = [];
    private int _tensorsInUse;

    /// <summary>Creates an arena on <paramref name="device"/>, optionally pre-sized to <paramref name="initialCapacity"/> elements.</summary>
    public Arena(Device device, int initialCapacity = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        Device = device;
        _values = new BumpBuffer(device, initialCapacity, zeroOnReset: false);
        _gradients = new BumpBuffer(device, initialCapacity, zeroOnReset: true);
    }

    public Device Device { get; }

    /// <summary>Elements of values handed out since the last reset.</summary>
    public int ValuesInUse => _values.Used;

    /// <summary>Elements of gradients handed out since the last reset.</summary>
    public int GradientsInUse => _gradients.Used;

    /// <summary>Tensor objects handed out since the last reset.</summary>
    public int TensorsInUse => _tensorsInUse;

    /// <summary>The tensors handed out since the last reset, in order (valid until the next reset; for inspecting a step).</summary>
    public IEnumerable<Tensor<T>> TensorsHandedOut => _pool.Take(_tensorsInUse);

    /// <summary>Total device elements held (values + gradients).</summary>
    public long CapacityElements => (long)_values.Capacity + _gradients.Capacity;

    /// <summary>
    /// A tensor of <paramref name="shape"/> with uninitialised values and, when <paramref name="withGrad"/>,
    /// a zeroed gradient. Valid until the next <see cref="Reset"/>.
    /// </summary>
    public Tensor<T> Allocate(string name, Shape shape, bool withGrad)
    {
        var data = _values.Take(shape.Count);
        var grad = withGrad ? _gradients.Take(shape.Count) : default;
        return Rent(name, shape, data, grad);
    }

    private Tensor<T> Rent(string name, Shape shape, BufferView<T> data, BufferView<T> grad)
    {
        Tensor<T> tensor;
        if (_tensorsInUse < _pool.Count)
        {
            tensor = _pool[_tensorsInUse];
            tensor.Bind(name, shape, data, grad);
        }
        else
        {
            tensor = new Tensor<T>(name, shape, data, grad);
            _pool.Add(tensor);
        }
        _tensorsInUse++;
        return tensor;
    }

    /// <summary>A pooled tensor viewing <paramref name="source"/>'s values and gradient under <paramref name="shape"/> (same count).</summary>
    internal Tensor<T> Alias(Tensor<T> source, Shape shape) => Rent(source.Name, shape, source.Data, source.Grad);

    /// <summary>Releases everything handed out; zeroes the gradients used; merges overflow chunks into one buffer.</summary>
    public void Reset()
    {
        _values.Reset();
        _gradients.Reset();
        _tensorsInUse = 0;
    }

    public void Dispose()
    {
        _values.Dispose();
        _gradients.Dispose();
    }

    /// <summary>
    /// A bump allocator over a list of device buffers. One buffer in the steady state; a request that
    /// does not fit opens an overflow buffer for the rest of the step, and the next reset replaces all
    /// of them by one buffer of the combined size.
    /// </summary>
    private sealed class BumpBuffer(Device device, int initialCapacity, bool zeroOnReset) : IDisposable
    {
        private const int Alignment = 16;
        private const int MinimumChunk = 4096;
        private readonly List<DeviceBuffer<T>> _chunks = initialCapacity > 0 ? [device.Allocate<T>(initialCapacity)] : [];
        private readonly List<int> _used = initialCapacity > 0 ? [0] : [];

        public int Used { get; private set; }

        public int Capacity
        {
            get
            {
                var total = 0;
                foreach (var chunk in _chunks) total += chunk.Length;
                return total;
            }
        }

        public BufferView<T> Take(int count)
        {
            var aligned = (count + Alignment - 1) / Alignment * Alignment;
            var last = _chunks.Count - 1;
            if (last < 0 || _chunks[last].Length - _used[last] < aligned)
            {
                var size = Math.Max(Math.Max(aligned, MinimumChunk), Capacity);
                _chunks.Add(device.Allocate<T>(size));
                _used.Add(0);
                last++;
            }
            var view = _chunks[last].Slice(_used[last], count);
            _used[last] += aligned;
            Used += aligned;
            return view;
        }

        public void Reset()
        {
            if (_chunks.Count > 1)
            {
                // Fresh device buffers are zero-filled, so merging also leaves gradients clean.
                var size = 0;
                foreach (var chunk in _chunks)
                {
                    size += chunk.Length;
                    chunk.Dispose();
                }
                _chunks.Clear();
                _used.Clear();
                _chunks.Add(device.Allocate<T>(size));
                _used.Add(0);
            }
            else if (_chunks.Count == 1)
            {
                // Everything past the used mark was never touched since the last zeroing.
                if (zeroOnReset && _used[0] > 0) device.Fill(_chunks[0].Slice(0, _used[0]), T.Zero);
                _used[0] = 0;
            }
            Used = 0;
        }

        public void Dispose()
        {
            foreach (var chunk in _chunks) chunk.Dispose();
            _chunks.Clear();
            _used.Clear();
        }
    }
}
