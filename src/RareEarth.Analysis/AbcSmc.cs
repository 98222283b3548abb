using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using MN = MathNet.Numerics.Distributions;

namespace RareEarth.Analysis;

/// <summary>
/// One generation of ABC-SMC: the accepted particles, their importance weights (summing to 1), their distances and
/// the tolerance they were accepted at. Particles live in the prior's standard-normal space: coordinate k of a particle
/// is z = Φ⁻¹(F_k(θ_k)), where F_k is parameter k's prior CDF, so the prior is N(0, I) whatever the declared
/// distributions are (bounded or not) and the perturbation kernel never leaves the prior's support.
/// </summary>
public sealed class AbcPopulation
{
    public required double[][] Z { get; init; }
    public required double[] Weights { get; init; }
    public required double[] Distances { get; init; }
    public required double Epsilon { get; init; }
    /// <summary>How many proposals were run to get these particles.</summary>
    public int Proposed { get; init; }

    public int Count => Z.Length;
    public int Dimensions => Z.Length == 0 ? 0 : Z[0].Length;
    /// <summary>Kish's effective sample size, 1 / Σ w².</summary>
    public double EffectiveSampleSize => 1 / Weights.Sum(w => w * w);
}

/// <summary>
/// Approximate Bayesian computation by sequential Monte Carlo, in the population Monte Carlo form of
/// Beaumont et al. (2009, Biometrika 96:983) and Toni et al. (2009, J. R. Soc. Interface 6:187), with the tolerance
/// chosen adaptively as a quantile of the current distances (Del Moral, Doucet and Jasra 2012, Stat. Comput. 22:1009;
/// the quantile rule of pyabc's default epsilon), laid out for batches: generation t runs a fixed number of proposals
/// at once instead of drawing one at a time until N are accepted.
/// <list type="number">
/// <item>Generation 0 proposes from the prior (a Latin hypercube mapped through Φ⁻¹).</item>
/// <item>Generation t &gt; 0 draws a particle of generation t-1 by weight and moves it by a multivariate normal kernel
/// whose covariance is twice the weighted covariance of generation t-1 (Beaumont et al. 2009; Filippi et al. 2013).</item>
/// <item>Every proposal is simulated once; its distance to the data is computed.</item>
/// <item>The tolerance ε_t is the <c>quantile</c> of the proposals' distances (never above ε_{t-1} unless fewer than
/// half that share of the proposals would pass); the proposals within ε_t are accepted.</item>
/// <item>Weights: w_i ∝ π(z_i) / Σ_j W_j K(z_i | z_j) with π the standard normal prior density and K the kernel
/// (the importance weight of the PMC sampler; 1 in generation 0).</item>
/// </list>
/// Deterministic: equal arguments give bit-identical proposals and populations.
/// </summary>
public static class AbcSmc
{
    /// <summary>The kernel's covariance is this multiple of the population's weighted covariance.</summary>
    public const double KernelScale = 2.0;

    /// <summary>Generation 0: <paramref name="count"/> prior draws (Latin hypercube) in standard-normal space.</summary>
    public static double[][] PriorProposals(int count, int dims, int seed)
    {
        var unit = Sampling.LatinHypercube(count, Math.Max(dims, 1), seed);
        var z = new double[count][];
        for (int i = 0; i < count; i++)
        {
            z[i] = new double[dims];
            for (int k = 0; k < dims; k++) z[i][k] = MN.Normal.InvCDF(0, 1, Math.Clamp(unit[i, k], 1e-12, 1 - 1e-12));
        }
        return z;
    }

    /// <summary>Generation t &gt; 0: draws particles of <paramref name="previous"/> by weight and perturbs each with the kernel.</summary>
    public static double[][] Perturb(AbcPopulation previous, int count, int seed)
    {
        int d = previous.Dimensions;
        var chol = KernelCovariance(previous).Cholesky().Factor;
        var rng = new Xoshiro256StarStar(seed);
        var cumulative = new double[previous.Count];
        double acc = 0;
        for (int j = 0; j < previous.Count; j++) cumulative[j] = acc += previous.Weights[j];
        var result = new double[count][];
        var n = new double[d];
        for (int i = 0; i < count; i++)
        {
            int j = Array.BinarySearch(cumulative, rng.NextDouble() * acc);
            if (j < 0) j = ~j;
            j = Math.Min(j, previous.Count - 1);
            for (int k = 0; k < d; k++) n[k] = MN.Normal.InvCDF(0, 1, Math.Clamp(rng.NextDouble(), 1e-12, 1 - 1e-12));
            var z = new double[d];
            for (int r = 0; r < d; r++)
            {
                double s = previous.Z[j][r];
                for (int c = 0; c <= r; c++) s += chol[r, c] * n[c];
                z[r] = s;
            }
            result[i] = z;
        }
        return result;
    }

    /// <summary>
    /// Accepts the proposals within the tolerance (the <paramref name="quantile"/> of their distances) and weights them.
    /// A NaN or infinite distance (a failed run) is never accepted.
    /// </summary>
    public static AbcPopulation Accept(double[][] proposals, double[] distances, double quantile, AbcPopulation? previous)
    {
        if (proposals.Length != distances.Length) throw new ArgumentException("one distance per proposal");
        var finite = distances.Where(double.IsFinite).OrderBy(x => x).ToArray();
        if (finite.Length == 0) throw new InvalidOperationException("every proposal failed or has an undefined distance; nothing to accept");
        double eps = Percentiles.Quantile(finite, Math.Clamp(quantile, 0, 1));
        // never above the previous tolerance while that still leaves half the quantile's share of proposals to accept
        if (previous is not null && eps > previous.Epsilon && finite.Count(x => x <= previous.Epsilon) >= quantile * proposals.Length / 2) eps = previous.Epsilon;
        var keep = Enumerable.Range(0, proposals.Length).Where(i => double.IsFinite(distances[i]) && distances[i] <= eps).ToArray();
        var z = keep.Select(i => proposals[i]).ToArray();
        var w = previous is null ? keep.Select(_ => 1.0).ToArray() : ImportanceWeights(z, previous);
        double sum = w.Sum();
        return new AbcPopulation
        {
            Z = z, Weights = w.Select(x => x / sum).ToArray(), Distances = keep.Select(i => distances[i]).ToArray(),
            Epsilon = eps, Proposed = proposals.Length,
        };
    }

    /// <summary>π(z_i) / Σ_j W_j K(z_i | z_j), computed in logs (unnormalised).</summary>
    static double[] ImportanceWeights(double[][] z, AbcPopulation previous)
    {
        int d = previous.Dimensions;
        var cov = KernelCovariance(previous);
        var chol = cov.Cholesky();
        var inv = chol.Solve(Matrix<double>.Build.DenseIdentity(d));
        double logNorm = -0.5 * (d * Math.Log(2 * Math.PI) + chol.DeterminantLn);
        var logW = new double[z.Length];
        var diff = new double[d];
        var terms = new double[previous.Count];
        for (int i = 0; i < z.Length; i++)
        {
            double prior = 0;
            for (int k = 0; k < d; k++) prior += -0.5 * z[i][k] * z[i][k];
            for (int j = 0; j < previous.Count; j++)
            {
                for (int k = 0; k < d; k++) diff[k] = z[i][k] - previous.Z[j][k];
                double q = 0;
                for (int r = 0; r < d; r++)
                {
                    double row = 0;
                    for (int c = 0; c < d; c++) row += inv[r, c] * diff[c];
                    q += diff[r] * row;
                }
                terms[j] = Math.Log(previous.Weights[j]) + logNorm - 0.5 * q;
            }
            logW[i] = prior - LogSumExp(terms);
        }
        double max = logW.Max();
        return logW.Select(x => Math.Exp(x - max)).ToArray();
    }

    static double LogSumExp(double[] x)
    {
        double max = x.Max();
        if (double.IsNegativeInfinity(max)) return max;
        double s = 0;
        foreach (var v in x) s += Math.Exp(v - max);
        return max + Math.Log(s);
    }

    /// <summary>Twice the weighted covariance, with a small ridge so that a collapsed dimension still moves.</summary>
    public static Matrix<double> KernelCovariance(AbcPopulation p)
    {
        var cov = WeightedStats.Covariance(p.Z, p.Weights);
        int d = cov.RowCount;
        var k = cov * KernelScale;
        for (int i = 0; i < d; i++) k[i, i] += 1e-6;
        return k;
    }
}
