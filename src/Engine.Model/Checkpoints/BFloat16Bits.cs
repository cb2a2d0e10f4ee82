using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Engine.Model;

/// <summary>
/// bfloat16 as stored in safetensors "BF16": the upper 16 bits of an IEEE float32 (sign, 8 exponent bits, 7 mantissa
/// bits). Widening is exact: f32 bits = bf16 bits &lt;&lt; 16. Narrowing rounds to nearest, ties to even.
/// </summary>
public static class BFloat16Bits
{
    /// <summary>The float32 with bits <c>bits &lt;&lt; 16</c> (exact).</summary>
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>
    /// The nearest bfloat16 to <paramref name="value"/>, ties to even: <c>(b + 0x7FFF + ((b &gt;&gt; 16) &amp; 1)) &gt;&gt; 16</c>
    /// of the float32 bits b; a NaN becomes the quiet NaN 0x7FC0 (keeping its sign).
    /// </summary>
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) & 0x8000 | 0x7FC0);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(bits >> 16);
    }

    /// <summary>Widens every element: <c>destination[i] = ToSingle(source[i])</c>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"{source.Length} bf16 values for {destination.Length} floats", nameof(destination));
        var i = 0;
        if (Vector256.IsHardwareAccelerated && source.Length >= Vector256<ushort>.Count)
        {
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
            for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref from, (nuint)i));
                Vector256.ShiftLeft(lower, 16).StoreUnsafe(ref to, (nuint)i);
                Vector256.ShiftLeft(upper, 16).StoreUnsafe(ref to, (nuint)(i + Vector256<uint>.Count));
            }
        }
        for (; i < source.Length; i++) destination[i] = ToSingle(source[i]);
    }
}
