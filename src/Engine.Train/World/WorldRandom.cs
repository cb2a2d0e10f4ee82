using Engine.Model;

namespace Engine.Train.World;

/// <summary>
/// The data generator's random source: xoshiro256** (Blackman &amp; Vigna 2018) seeded by four
/// <see cref="SplitMix64"/> outputs (the generator that also initialises the model's parameters). Our own code rather than <see cref="System.Random"/>, whose algorithm is
/// not a stable contract, so that a data seed names the same world on every .NET version.
/// </summary>
public sealed class WorldRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the state with splitmix64(seed): s_i = the i-th splitmix64 output.</summary>
    public WorldRandom(ulong seed)
    {
        var seeder = new SplitMix64(seed);
        _s0 = seeder.NextUInt64();
        _s1 = seeder.NextUInt64();
        _s2 = seeder.NextUInt64();
        _s3 = seeder.NextUInt64();
    }

    /// <summary>The whole generator state as four hex words, for checkpoints (see <see cref="FromState"/>).</summary>
    public string State => $"{_s0:x16}{_s1:x16}{_s2:x16}{_s3:x16}";

    /// <summary>A generator continuing exactly where the one that produced <paramref name="state"/> stood.</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    public static WorldRandom FromState(string state)
    {
        if (state.Length != 64) throw new FormatException($"random state must be 64 hex digits, got {state.Length} characters");
        var words = new ulong[4];
        for (var i = 0; i < 4; i++)
        {
            if (!ulong.TryParse(state.AsSpan(16 * i, 16), System.Globalization.NumberStyles.HexNumber, null, out words[i]))
                throw new FormatException("random state must be 64 hex digits");
        }
        return new WorldRandom(0) { _s0 = words[0], _s1 = words[1], _s2 = words[2], _s3 = words[3] };
    }

    /// <summary>Next 64 uniform bits: rotl(s1·5, 7)·9, then the xoshiro256 state transition.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>
    /// Uniform integer in [0, bound) without modulo bias (Lemire's multiply-shift with rejection:
    /// the high word of x·bound, redrawing x while the low word falls below 2⁶⁴ mod bound).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is 0.</exception>
    public ulong NextBelow(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0UL - bound) % bound;
            while (low < threshold)
                high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return high;
    }

    /// <summary>Uniform integer in [0, bound) for a positive int bound.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> ≤ 0.</exception>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)NextBelow((ulong)bound);
    }

    /// <summary>Uniform double in [0, 1): the top 53 bits of a draw times 2⁻⁵³.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>In-place Fisher–Yates: for i from n−1 down to 1 swap items[i] with items[j], j uniform in [0, i].</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A uniformly random permutation of 0 … n−1 (identity, then <see cref="Shuffle{T}"/>).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle(p);
        return p;
    }

    /// <summary>
    /// The first <paramref name="count"/> entries of a uniformly random permutation of 0 … n−1, drawn
    /// lazily (forward Fisher–Yates over a sparse swap map) so the cost is O(count), not O(n):
    /// entry i = the value at position j after swapping positions i and j, j uniform in [i, n).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or exceeds <paramref name="n"/>.</exception>
    public int[] PermutationPrefix(int n, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, n);
        var moved = new Dictionary<int, int>(); // position → value, for positions no longer holding themselves
        var prefix = new int[count];
        for (int i = 0; i < count; i++)
        {
            int j = i + NextInt(n - i);
            int atJ = moved.GetValueOrDefault(j, j);
            int atI = moved.GetValueOrDefault(i, i);
            prefix[i] = atJ;
            moved[j] = atI;
        }
        return prefix;
    }
}
