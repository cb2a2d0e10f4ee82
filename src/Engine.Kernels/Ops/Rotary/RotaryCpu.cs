using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: T tokens, NH heads, D head size, half = D/2.

/// <summary>
/// float32 fast path of the Hugging Face rotary embedding, in place, tokens in parallel: a token's cos/sin row
/// (angle t·f_i in float64, rounded once, as the naive loop) is computed into per-thread scratch and applied to its
/// NH heads with the SIMD rotate-half of <see cref="RopeCpu.RotateHalf"/>. Naive loop: <see cref="NaiveOps.RotaryForward{T}"/>.
/// </summary>
internal static unsafe class RotaryCpu
{
    /// <summary>x'[i] = x[i]·cos − x[i+half]·sin, x'[i+half] = x[i+half]·cos + x[i]·sin.   x (T, NH·D); inverseFrequencies (D/2).</summary>
    public static void Forward(CpuDevice device, float* x, float* inverseFrequencies, int tokens, int heads, int headDim)
    {
        var work = 4L * heads * headDim;
        CpuParallel.For(device, tokens, work, CpuParallel.Grain(work), new RotateJob(x, inverseFrequencies, heads, headDim));
    }

    private readonly struct RotateJob(float* x, float* inverseFrequencies, int heads, int headDim) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var half = headDim / 2;
            var cos = CpuScratch.Floats(2L * half);
            var sin = cos + half;
            for (var t = start; t < end; t++)
            {
                for (var i = 0; i < half; i++)
                {
                    var (s, c) = Math.SinCos(t * (double)inverseFrequencies[i]);
                    cos[i] = (float)c;
                    sin[i] = (float)s;
                }
                var row = x + (nint)t * heads * headDim;
                for (var h = 0; h < heads; h++) RopeCpu.RotateHalf(row + h * headDim, row + h * headDim, cos, sin, half);
            }
        }
    }
}
