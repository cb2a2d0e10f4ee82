namespace Engine.Model;

/// <summary>
/// A small seeded generator (SplitMix64, Steele et al. 2014) with Box–Muller normals, so that
/// initialisation depends only on the seed and this file, never on System.Random internals. The one
/// SplitMix64 of the code base: the world generator seeds its xoshiro256** state from it too.
/// A value type: copy it to snapshot its state.
/// </summary>
public struct SplitMix64
{
    private ulong _state;
    private double _spareNormal;
    private bool _hasSpare;

    public SplitMix64(ulong seed)
    {
        _state = seed;
        _spareNormal = 0;
        _hasSpare = false;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal sample (Box–Muller; the second value of each pair is kept for the next call).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        // u1 in (0, 1] so the logarithm is finite.
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        _spareNormal = radius * Math.Sin(angle);
        _hasSpare = true;
        return radius * Math.Cos(angle);
    }
}
