namespace RareEarth.Analysis;

/// <summary>First-order index of one input estimated from a given sample, with its bootstrap interval.</summary>
public sealed record FirstOrderIndex(int Parameter, double S1, double Low, double High);

/// <summary>
/// First-order Sobol indices from any sample of independent inputs (Monte Carlo or Latin hypercube), without a
/// Saltelli design: S_i = Var(E[Y | X_i]) / Var(Y), estimated by the correlation ratio over equal-count bins of X_i
/// (Plischke 2010, "An effective algorithm for computing global sensitivity indices (EASI)", RESS 95; the
/// "given data" approach of Strong &amp; Oakley). The between-bin variance is corrected for its small-sample bias
/// (ω², subtracting (M − 1) × the within-bin mean square), so an input with no effect scores about 0.
/// Intervals are bootstrap percentile intervals shifted by the bootstrap's estimate of its own bias.
/// Total-order indices need a Saltelli design (<see cref="Sobol"/>).
/// </summary>
public static class FirstOrderSensitivity
{
    /// <param name="x">n rows × d inputs.</param>
    /// <param name="y">n outputs; rows with a non-finite output are left out.</param>
    /// <param name="bins">Bins per input; default ⌈√n⌉ capped at 50.</param>
    public static IReadOnlyList<FirstOrderIndex> Analyze(double[,] x, double[] y, int bootstrapResamples, int seed, int? bins = null, double confidence = 0.95)
    {
        int n0 = x.GetLength(0), d = x.GetLength(1);
        if (y.Length != n0) throw new ArgumentException("x and y must have the same number of rows");
        var rows = Enumerable.Range(0, n0).Where(r => double.IsFinite(y[r])).ToArray();
        int n = rows.Length;
        if (n < 20) throw new ArgumentException($"at least 20 finite outputs are needed, found {n}");
        int m = bins ?? Math.Min(50, (int)Math.Ceiling(Math.Sqrt(n)));
        // for each input, the bin of every row by rank (equal-count bins)
        var binOf = new int[d][];
        for (int i = 0; i < d; i++)
        {
            var order = rows.Select((r, k) => (x[r, i], k)).OrderBy(t => t.Item1).ThenBy(t => t.k).Select(t => t.k).ToArray();
            binOf[i] = new int[n];
            for (int rank = 0; rank < n; rank++) binOf[i][order[rank]] = (int)((long)rank * m / n);
        }
        var yy = rows.Select(r => y[r]).ToArray();
        var all = Enumerable.Range(0, n).ToArray();
        var point = new double[d];
        for (int i = 0; i < d; i++) point[i] = Ratio(yy, binOf[i], m, all);

        var rng = Sampling.CreateRng(seed);
        var boot = new double[d][];
        for (int i = 0; i < d; i++) boot[i] = new double[bootstrapResamples];
        var sample = new int[n];
        for (int b = 0; b < bootstrapResamples; b++)
        {
            for (int k = 0; k < n; k++) sample[k] = rng.Next(n);
            for (int i = 0; i < d; i++) boot[i][b] = Ratio(yy, binOf[i], m, sample);
        }
        double alpha = (1 - confidence) / 2;
        var result = new List<FirstOrderIndex>();
        for (int i = 0; i < d; i++)
        {
            var b = boot[i].Where(double.IsFinite).ToArray();
            if (b.Length == 0) { result.Add(new FirstOrderIndex(i, point[i], double.NaN, double.NaN)); continue; }
            // resampling with replacement duplicates rows, which shrinks the within-bin variance and shifts the
            // resampled estimates up: the percentile interval is moved back by that shift (bootstrap bias correction)
            double shift = b.Average() - point[i];
            var q = Percentiles.Quantiles(b, new[] { alpha, 1 - alpha });
            result.Add(new FirstOrderIndex(i, point[i], q[0] - shift, q[1] - shift));
        }
        return result;
    }

    /// <summary>Bias-corrected correlation ratio of y over the bins, on the rows listed in <paramref name="sample"/> (with repeats).</summary>
    static double Ratio(double[] y, int[] bin, int m, int[] sample)
    {
        var sum = new double[m];
        var count = new int[m];
        double total = 0;
        foreach (int k in sample) { sum[bin[k]] += y[k]; count[bin[k]]++; total += y[k]; }
        int n = sample.Length;
        double mean = total / n, sst = 0, ssw = 0;
        foreach (int k in sample)
        {
            double dy = y[k] - mean;
            sst += dy * dy;
            double db = y[k] - sum[bin[k]] / count[bin[k]];
            ssw += db * db;
        }
        if (sst <= 0) return double.NaN;
        int used = count.Count(c => c > 0);
        double msw = ssw / Math.Max(1, n - used);
        return (sst - ssw - (used - 1) * msw) / (sst + msw);
    }
}
