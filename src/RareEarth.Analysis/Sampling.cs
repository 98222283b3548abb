using MathNet.Numerics.Random;

namespace RareEarth.Analysis;

/// <summary>
/// Seeded designs on the unit hypercube [0, 1)^d and their mapping to parameter distributions.
/// All randomness comes from <see cref="Xoshiro256StarStar"/> seeded by the caller, so equal
/// arguments give bit-identical results.
/// </summary>
public static class Sampling
{
    /// <summary>
    /// Plain Monte Carlo design: <paramref name="n"/> rows by <paramref name="dims"/> columns of independent U[0, 1)
    /// draws, filled row by row.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="dims"/> &lt; 1.</exception>
    public static double[,] MonteCarlo(int n, int dims, int seed)
    {
        ValidateShape(n, dims);
        var rng = CreateRng(seed);
        var result = new double[n, dims];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < dims; c++)
                result[r, c] = rng.NextDouble();
        return result;
    }

    /// <summary>
    /// Latin hypercube design: for every column the n strata [k/n, (k+1)/n) each receive exactly one point,
    /// assigned to rows by an independent random permutation per column, jittered uniformly within the stratum.
    /// </summary>
    /// <remarks>Columns are generated one after another: first the permutation, then the n jitters.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="dims"/> &lt; 1.</exception>
    public static double[,] LatinHypercube(int n, int dims, int seed)
    {
        ValidateShape(n, dims);
        var rng = CreateRng(seed);
        var result = new double[n, dims];
        var perm = new int[n];
        double below1 = Math.BitDecrement(1.0);
        for (int c = 0; c < dims; c++)
        {
            for (int k = 0; k < n; k++) perm[k] = k;
            Shuffle(perm, rng);
            for (int r = 0; r < n; r++)
            {
                double v = (perm[r] + rng.NextDouble()) / n;
                result[r, c] = v < 1.0 ? v : below1; // guard against rounding up to 1.0
            }
        }
        return result;
    }

    /// <summary>
    /// Maps a unit-hypercube design column by column through each distribution's inverse CDF.
    /// </summary>
    /// <param name="unit">n x d design with entries in [0, 1].</param>
    /// <param name="distributions">One distribution per column (length d).</param>
    /// <returns>A new n x d array of parameter values.</returns>
    /// <exception cref="ArgumentException">Column count mismatch or a value outside [0, 1].</exception>
    public static double[,] Map(double[,] unit, IReadOnlyList<ParameterDistribution> distributions)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(distributions);
        int n = unit.GetLength(0), d = unit.GetLength(1);
        if (distributions.Count != d)
            throw new ArgumentException(
                $"Design has {d} columns but {distributions.Count} distributions were given.", nameof(distributions));
        var result = new double[n, d];
        for (int c = 0; c < d; c++)
        {
            var dist = distributions[c] ?? throw new ArgumentException($"Distribution for column {c} is null.", nameof(distributions));
            for (int r = 0; r < n; r++)
                result[r, c] = dist.Quantile(unit[r, c]);
        }
        return result;
    }

    /// <summary>Creates the library's standard seeded generator (non-thread-safe Xoshiro256**).</summary>
    public static Random CreateRng(int seed) => new Xoshiro256StarStar(seed, threadSafe: false);

    /// <summary>In-place Fisher–Yates shuffle.</summary>
    internal static void Shuffle(int[] values, Random rng)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    internal static void ValidateShape(int n, int dims)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "Sample count n must be >= 1.");
        if (dims < 1) throw new ArgumentOutOfRangeException(nameof(dims), dims, "Dimension count must be >= 1.");
    }
}
