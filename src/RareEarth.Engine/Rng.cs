namespace RareEarth.Engine;

/// <summary>
/// xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64: the run's own generator.
/// Equivalent to MathNet's Xoshiro256StarStar, written out because MathNet's NextDouble allocates
/// now and then (measured: ~2 KB per 100,000 draws) and a month step must allocate nothing.
/// </summary>
public sealed class Rng
{
    ulong _s0, _s1, _s2, _s3;

    public Rng(long seed) => Reseed(seed);

    public void Reseed(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix64(ref x); _s1 = SplitMix64(ref x); _s2 = SplitMix64(ref x); _s3 = SplitMix64(ref x);
    }

    /// <summary>Continues from <paramref name="other"/>'s state (the same draws from here on).</summary>
    public void CopyFrom(Rng other) { _s0 = other._s0; _s1 = other._s1; _s2 = other._s2; _s3 = other._s3; }

    public static ulong SplitMix64(ref ulong x)
    {
        ulong z = unchecked(x += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        ulong result = unchecked(RotateLeft(_s1 * 5, 7) * 9);
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / 9007199254740992.0);

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
