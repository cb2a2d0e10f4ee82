using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of the rotary position embedding on the q and k thirds of a fused qkv (B,T,3C), rotate-half layout
/// (formulas: <see cref="RopeForwardArgs{T}"/>, <see cref="RopeBackwardArgs{T}"/>). Legend: B batch, T tokens,
/// C channels, NH heads, HS = C/NH, h = HS/2, R = B·T rows. The backward is the same map with −a (the transpose of a
/// rotation), accumulated, v added: both kernels take Sign (+1 forward, −1 backward) and Accumulate (0, 1).
/// </summary>
internal sealed class RopeGpu
{
    /// <summary>Threads per group (x); rows are the y dimension.</summary>
    public const int Threads = 128;

    public readonly record struct RopeKernelArgs(
        ArrayView<float> Output, ArrayView<float> Input, // (B,T,3C) both
        int Rows, int Tokens, int Channels, int Heads, float RopeBase, float Sign, int Accumulate);

    /// <summary>(cos a, sign·sin a) of pair <paramref name="i"/> at position <paramref name="t"/>, a = t·base^(−2i/HS).</summary>
    private static (float Cos, float Sin) Rotation(int t, int i, int headSize, float ropeBase, float sign)
    {
        var theta = MathF.Pow(ropeBase, -2f * i / headSize);
        var angle = t * theta;
        return (MathF.Cos(angle), sign * MathF.Sin(angle));
    }

    /// <summary>
    /// One thread per element of the (R, 3C) output: rotated elements read their partner, v elements copy.
    /// Grid: x over 3C, y over rows (grid-stride, as CUDA caps the y extent at 65535).
    /// </summary>
    [GpuKernel]
    public static void RopeNaive(RopeKernelArgs a)
    {
        var e = Grid.GlobalIndex.X;
        for (var row = Grid.GlobalIndex.Y; e < 3 * a.Channels && row < a.Rows; row += KernelIndex.StrideY())
        {
            var index = row * 3 * a.Channels + e;
            var value = a.Input[index];
            if (e < 2 * a.Channels)
            {
                var headSize = a.Channels / a.Heads;
                var halfSize = headSize / 2;
                var d = e % headSize;
                var i = d % halfSize;
                var (cos, sin) = Rotation(row % a.Tokens, i, headSize, a.RopeBase, a.Sign);
                var first = index - d + i;
                var x1 = a.Input[first];
                var x2 = a.Input[first + halfSize];
                value = d < halfSize ? x1 * cos - x2 * sin : x2 * cos + x1 * sin;
            }
            a.Output[index] = a.Accumulate != 0 ? a.Output[index] + value : value;
        }
    }

    /// <summary>
    /// One thread per rotation pair (C pairs in the q and k thirds of a row) plus one per v element (C): a pair thread
    /// computes its angle once and writes both elements. Grid: x over 2C, y over rows (grid-stride).
    /// </summary>
    [GpuKernel]
    public static void RopePairs(RopeKernelArgs a)
    {
        var j = Grid.GlobalIndex.X;
        for (var row = Grid.GlobalIndex.Y; j < 2 * a.Channels && row < a.Rows; row += KernelIndex.StrideY())
        {
            var rowStart = row * 3 * a.Channels;
            if (j < a.Channels)
            {
                var headSize = a.Channels / a.Heads;
                var halfSize = headSize / 2;
                var pairsPerThird = a.Channels / 2;
                var part = j / pairsPerThird;
                var q = j - part * pairsPerThird;
                var head = q / halfSize;
                var i = q - head * halfSize;
                var first = rowStart + part * a.Channels + head * headSize + i;
                var (cos, sin) = Rotation(row % a.Tokens, i, headSize, a.RopeBase, a.Sign);
                var x1 = a.Input[first];
                var x2 = a.Input[first + halfSize];
                var y1 = x1 * cos - x2 * sin;
                var y2 = x2 * cos + x1 * sin;
                a.Output[first] = a.Accumulate != 0 ? a.Output[first] + y1 : y1;
                a.Output[first + halfSize] = a.Accumulate != 0 ? a.Output[first + halfSize] + y2 : y2;
            }
            else
            {
                var index = rowStart + a.Channels + j; // v third: 2C + (j − C)
                a.Output[index] = a.Accumulate != 0 ? a.Output[index] + a.Input[index] : a.Input[index];
            }
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<RopeKernelArgs> _naive, _pairs;

    public RopeGpu(GpuDevice device)
    {
        _device = device;
        (_naive, _pairs) = (new(device, RopeNaive), new(device, RopePairs));
    }

    public void Forward(in RopeForwardArgs<float> a) => Run(a.Output, a.Qkv, a.Batch, a.Tokens, a.Channels, a.Heads, a.RopeBase, backward: false);

    public void Backward(in RopeBackwardArgs<float> a) => Run(a.DQkv, a.DOut, a.Batch, a.Tokens, a.Channels, a.Heads, a.RopeBase, backward: true);

    private void Run(BufferView<float> output, BufferView<float> input, int batch, int tokens, int channels, int heads, float ropeBase, bool backward)
    {
        var rows = batch * tokens;
        if (rows == 0) return;
        var (sign, accumulate) = backward ? (-1f, 1) : (1f, 0);
        var args = new RopeKernelArgs(_device.View(output), _device.View(input), rows, tokens, channels, heads, ropeBase, sign, accumulate);
        if (_device.Naive) _naive.Launch(_device.Rows2D(3 * channels, rows, Threads), args);
        else _pairs.Launch(_device.Rows2D(2 * channels, rows, Threads), args);
    }
}
