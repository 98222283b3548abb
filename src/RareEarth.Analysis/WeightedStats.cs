using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;

namespace RareEarth.Analysis;

/// <summary>Weighted sample statistics (weights need not be normalised).</summary>
public static class WeightedStats
{
    public static double Mean(IReadOnlyList<double> x, IReadOnlyList<double> w)
    {
        double s = 0, sw = 0;
        for (int i = 0; i < x.Count; i++) { s += w[i] * x[i]; sw += w[i]; }
        return s / sw;
    }

    /// <summary>Weighted variance with the reliability-weights correction (1 - Σw²/(Σw)²); 0 for a single particle.</summary>
    public static double Variance(IReadOnlyList<double> x, IReadOnlyList<double> w)
    {
        double m = Mean(x, w), s = 0, sw = 0, sw2 = 0;
        for (int i = 0; i < x.Count; i++) { s += w[i] * (x[i] - m) * (x[i] - m); sw += w[i]; sw2 += w[i] * w[i]; }
        double denom = sw - sw2 / sw;
        return denom > 0 ? s / denom : 0;
    }

    /// <summary>Weighted covariance matrix of rows <paramref name="x"/>[i][k].</summary>
    public static Matrix<double> Covariance(double[][] x, IReadOnlyList<double> w)
    {
        int n = x.Length, d = n == 0 ? 0 : x[0].Length;
        var mean = new double[d];
        double sw = 0, sw2 = 0;
        for (int i = 0; i < n; i++) { sw += w[i]; sw2 += w[i] * w[i]; for (int k = 0; k < d; k++) mean[k] += w[i] * x[i][k]; }
        for (int k = 0; k < d; k++) mean[k] /= sw;
        var cov = Matrix<double>.Build.Dense(d, d);
        for (int i = 0; i < n; i++)
            for (int r = 0; r < d; r++)
                for (int c = 0; c <= r; c++)
                    cov[r, c] += w[i] * (x[i][r] - mean[r]) * (x[i][c] - mean[c]);
        double denom = sw - sw2 / sw;
        for (int r = 0; r < d; r++)
            for (int c = 0; c <= r; c++)
            {
                double v = denom > 0 ? cov[r, c] / denom : 0;
                cov[r, c] = v; cov[c, r] = v;
            }
        return cov;
    }

    /// <summary>Weighted Pearson correlation matrix (0 where a variance is 0).</summary>
    public static double[,] Correlation(double[][] x, IReadOnlyList<double> w)
    {
        var cov = Covariance(x, w);
        int d = cov.RowCount;
        var r = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                r[i, j] = cov[i, i] > 0 && cov[j, j] > 0 ? cov[i, j] / Math.Sqrt(cov[i, i] * cov[j, j]) : (i == j ? 1 : 0);
        return r;
    }

    /// <summary>
    /// Weighted quantile: the sample sorted, each point at the middle of its weight's share of the cumulative weight,
    /// linear in between (for equal weights this is Hazen's rule, type 5).
    /// </summary>
    public static double Quantile(IReadOnlyList<double> x, IReadOnlyList<double> w, double p)
    {
        if (x.Count == 0) throw new ArgumentException("empty sample");
        var order = Enumerable.Range(0, x.Count).OrderBy(i => x[i]).ToArray();
        double total = order.Sum(i => w[i]);
        double acc = 0;
        var pos = new double[order.Length];
        for (int k = 0; k < order.Length; k++) { pos[k] = (acc + w[order[k]] / 2) / total; acc += w[order[k]]; }
        if (p <= pos[0]) return x[order[0]];
        for (int k = 1; k < order.Length; k++)
            if (p <= pos[k])
            {
                double f = (p - pos[k - 1]) / (pos[k] - pos[k - 1]);
                return x[order[k - 1]] + f * (x[order[k]] - x[order[k - 1]]);
            }
        return x[order[^1]];
    }

    /// <summary>Draws <paramref name="count"/> indexes by weight (systematic resampling, one uniform from the seed).</summary>
    public static int[] Resample(IReadOnlyList<double> w, int count, int seed)
    {
        double total = w.Sum();
        double u = new Xoshiro256StarStar(seed).NextDouble() / count;
        var idx = new int[count];
        double acc = w[0] / total;
        int j = 0;
        for (int i = 0; i < count; i++)
        {
            double target = u + (double)i / count;
            while (target > acc && j < w.Count - 1) acc += w[++j] / total;
            idx[i] = j;
        }
        return idx;
    }
}
