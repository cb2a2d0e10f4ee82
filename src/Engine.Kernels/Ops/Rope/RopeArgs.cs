namespace Engine.Kernels.Ops;

/// <summary>
/// Rotary embedding on the q and k thirds of a fused qkv (B,T,3C), rotate-half layout: in each head (HS = C/NH, half
/// h = HS/2), for i &lt; h, with θ_i = RopeBase^(−2i/HS) and angle a = t·θ_i (t the position from 0):
/// out[i] = x[i]·cos a − x[i+h]·sin a; out[i+h] = x[i+h]·cos a + x[i]·sin a. The v third is copied unchanged.
/// Output, Qkv (B,T,3C); Output may not alias Qkv.
/// </summary>
public readonly record struct RopeForwardArgs<T>(
    BufferView<T> Output, BufferView<T> Qkv, int Batch, int Tokens, int Channels, int Heads, T RopeBase) where T : unmanaged
{
    internal void Validate(OpCheck check) => RopeShapes.Validate(check, Output, nameof(Output), Qkv, nameof(Qkv), Batch, Tokens, Channels, Heads);
}

/// <summary>The transpose of the forward rotation (rotation by −a): DQkv += R(−a)·DOut; v passes through.   DQkv, DOut (B,T,3C).</summary>
public readonly record struct RopeBackwardArgs<T>(
    BufferView<T> DQkv, BufferView<T> DOut, int Batch, int Tokens, int Channels, int Heads, T RopeBase) where T : unmanaged
{
    internal void Validate(OpCheck check) => RopeShapes.Validate(check, DQkv, nameof(DQkv), DOut, nameof(DOut), Batch, Tokens, Channels, Heads);
}

internal static class RopeShapes
{
    public static void Validate<T>(OpCheck check, BufferView<T> first, string firstName, BufferView<T> second, string secondName,
        int batch, int tokens, int channels, int heads) where T : unmanaged
    {
        check.NonNegative("Batch", batch);
        check.NonNegative("Tokens", tokens);
        check.Positive("Channels", channels);
        check.Heads(channels, heads, evenHeadSize: true);
        check.Length(firstName, first, 3L * batch * tokens * channels);
        check.Length(secondName, second, 3L * batch * tokens * channels);
    }
}
