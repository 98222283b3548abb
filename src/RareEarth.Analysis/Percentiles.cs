namespace RareEarth.Analysis;

/// <summary>
/// Sample quantiles with linear interpolation between order statistics
/// (Hyndman &amp; Fan type 7; the default of R's <c>quantile</c> and numpy's <c>percentile</c>).
/// </summary>
public static class Percentiles
{
    /// <summary>
    /// Type-7 quantile of an already sorted (ascending) sample:
    /// with h = (n - 1) p, returns x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
    /// </summary>
    /// <param name="sorted">Ascending, NaN-free sample. Sortedness is the caller's responsibility and is not checked.</param>
    /// <param name="p">Probability in [0, 1].</param>
    /// <exception cref="ArgumentException">Empty sample or <paramref name="p"/> outside [0, 1] / NaN.</exception>
    public static double Quantile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0)
            throw new ArgumentException("Cannot take a quantile of an empty sample.", nameof(sorted));
        ValidateProbability(p, nameof(p));

        int n = sorted.Length;
        double h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        if (lo >= n - 1) return sorted[n - 1];
        double frac = h - lo;
        double a = sorted[lo];
        if (frac == 0.0) return a;
        double b = sorted[lo + 1];
        return a == b ? a : a + frac * (b - a);
    }

    /// <summary>
    /// Sorts <paramref name="values"/> in place (ascending) and returns the type-7 quantile for each
    /// probability in <paramref name="ps"/>, in the same order as <paramref name="ps"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Empty sample, a NaN value, or a probability outside [0, 1].</exception>
    public static double[] Quantiles(Span<double> values, ReadOnlySpan<double> ps)
    {
        if (values.Length == 0)
            throw new ArgumentException("Cannot take quantiles of an empty sample.", nameof(values));
        for (int i = 0; i < ps.Length; i++) ValidateProbability(ps[i], nameof(ps));

        values.Sort();
        // double.CompareTo orders NaN before every number, so a NaN would be first after sorting.
        if (double.IsNaN(values[0]))
            throw new ArgumentException("Sample contains NaN; remove missing values before taking quantiles.", nameof(values));

        var result = new double[ps.Length];
        for (int i = 0; i < ps.Length; i++) result[i] = Quantile(values, ps[i]);
        return result;
    }

    private static void ValidateProbability(double p, string paramName)
    {
        if (!(p >= 0.0 && p <= 1.0))
            throw new ArgumentOutOfRangeException(paramName, p, "Probability must lie in [0, 1].");
    }
}
