using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    /// <summary>Rotates (sign = +1) or counter-rotates (sign = −1) the q and k thirds; v is copied (or added).</summary>
    private static void Rope<T>(
        Span<T> output, ReadOnlySpan<T> input, bool accumulate, double sign,
        int batch, int tokens, int channels, int heads, T ropeBase)
        where T : IFloatingPointIeee754<T>
    {
        var headSize = channels / heads;
        var half = headSize / 2;
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < tokens; t++)
            {
                var row = (b * tokens + t) * 3 * channels;
                for (var part = 0; part < 2; part++)
                {
                    for (var h = 0; h < heads; h++)
                    {
                        var start = row + part * channels + h * headSize;
                        for (var i = 0; i < half; i++)
                        {
                            var theta = Math.Pow(D(ropeBase), -2.0 * i / headSize);
                            var angle = t * theta;
                            var cos = Math.Cos(angle);
                            var sin = sign * Math.Sin(angle);
                            var x1 = D(input[start + i]);
                            var x2 = D(input[start + i + half]);
                            var y1 = x1 * cos - x2 * sin;
                            var y2 = x2 * cos + x1 * sin;
                            output[start + i] = F<T>((accumulate ? D(output[start + i]) : 0) + y1);
                            output[start + i + half] = F<T>((accumulate ? D(output[start + i + half]) : 0) + y2);
                        }
                    }
                }
                for (var c = 0; c < channels; c++)
                {
                    var i = row + 2 * channels + c;
                    output[i] = accumulate ? output[i] + input[i] : input[i];
                }
            }
        }
    }

    public static void RopeForward<T>(Span<T> output, ReadOnlySpan<T> qkv,
        int batch, int tokens, int channels, int heads, T ropeBase) where T : IFloatingPointIeee754<T>
        => Rope(output, qkv, false, +1, batch, tokens, channels, heads, ropeBase);

    public static void RopeBackward<T>(Span<T> dQkv, ReadOnlySpan<T> dOut,
        int batch, int tokens, int channels, int heads, T ropeBase) where T : IFloatingPointIeee754<T>
        => Rope(dQkv, dOut, true, -1, batch, tokens, channels, heads, ropeBase);
}
