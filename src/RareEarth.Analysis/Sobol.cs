namespace RareEarth.Analysis;

/// <summary>How the two independent base matrices A and B of a Saltelli design are drawn.</summary>
public enum SobolBaseSampling
{
    /// <summary>Plain seeded Monte Carlo (independent U[0, 1) draws).</summary>
    MonteCarlo,

    /// <summary>A single Latin hypercube in 2·dims columns; A takes the first dims columns and B the rest.</summary>
    LatinHypercube,
}

/// <summary>Outcome of a Sobol analysis.</summary>
public enum SobolStatus
{
    /// <summary>Indices were estimated normally.</summary>
    Ok,

    /// <summary>The output variance over A and B is (numerically) zero; all indices are reported as 0.</summary>
    ZeroVariance,

    /// <summary>Fewer than two index rows were usable after dropping non-finite outputs; all indices are reported as 0.</summary>
    InsufficientData,
}

/// <summary>
/// A Saltelli sampling design on the unit hypercube. <see cref="Rows"/> has <c>N·(Dims+2)</c> rows in this order:
/// rows [0, N) = A, rows [N, 2N) = B, then for i = 0..Dims-1 rows [(2+i)·N, (3+i)·N) = AB_i
/// (A with column i taken from B). Row j of every block belongs to the same "index row" j.
/// </summary>
public sealed class SaltelliDesign
{
    internal SaltelliDesign(int n, int dims, double[,] rows, SobolBaseSampling baseSampling)
    {
        N = n;
        Dims = dims;
        Rows = rows;
        BaseSampling = baseSampling;
    }

    /// <summary>Number of base samples (rows in A, in B and in each AB_i).</summary>
    public int N { get; }

    /// <summary>Number of parameters.</summary>
    public int Dims { get; }

    /// <summary>Total number of model evaluations required: N·(Dims+2).</summary>
    public int RowCount => N * (Dims + 2);

    /// <summary>How A and B were drawn.</summary>
    public SobolBaseSampling BaseSampling { get; }

    /// <summary>The design, <see cref="RowCount"/> x <see cref="Dims"/>, values in [0, 1). Do not mutate.</summary>
    public double[,] Rows { get; }

    /// <summary>Row index of A's j-th sample.</summary>
    public int RowOfA(int j) => j;

    /// <summary>Row index of B's j-th sample.</summary>
    public int RowOfB(int j) => N + j;

    /// <summary>Row index of AB_i's j-th sample.</summary>
    public int RowOfAB(int i, int j) => (2 + i) * N + j;

    /// <summary>Maps the design through one distribution per parameter (see <see cref="Sampling.Map"/>).</summary>
    public double[,] Map(IReadOnlyList<ParameterDistribution> distributions) => Sampling.Map(Rows, distributions);
}

/// <summary>First-order and total-order Sobol indices of one parameter with percentile-bootstrap confidence bounds.</summary>
/// <param name="Parameter">Zero-based parameter (column) index.</param>
/// <param name="S1">First-order index (Saltelli 2010 estimator).</param>
/// <param name="S1Low">Lower confidence bound of <paramref name="S1"/> (NaN if no bootstrap was requested).</param>
/// <param name="S1High">Upper confidence bound of <paramref name="S1"/> (NaN if no bootstrap was requested).</param>
/// <param name="ST">Total-order index (Jansen 1999 estimator).</param>
/// <param name="STLow">Lower confidence bound of <paramref name="ST"/> (NaN if no bootstrap was requested).</param>
/// <param name="STHigh">Upper confidence bound of <paramref name="ST"/> (NaN if no bootstrap was requested).</param>
public sealed record SobolIndices(int Parameter, double S1, double S1Low, double S1High, double ST, double STLow, double STHigh);

/// <summary>Result of <see cref="Sobol.Analyze"/>.</summary>
public sealed class SobolResult
{
    internal SobolResult(IReadOnlyList<SobolIndices> indices, SobolStatus status, int n, int usedRows,
        double variance, int bootstrapResamples, double confidence)
    {
        Indices = indices;
        Status = status;
        N = n;
        UsedRows = usedRows;
        Variance = variance;
        BootstrapResamples = bootstrapResamples;
        Confidence = confidence;
    }

    /// <summary>One entry per parameter, in parameter order.</summary>
    public IReadOnlyList<SobolIndices> Indices { get; }

    /// <summary>Whether estimation was possible.</summary>
    public SobolStatus Status { get; }

    /// <summary>True when <see cref="Status"/> is <see cref="SobolStatus.ZeroVariance"/>.</summary>
    public bool ZeroVariance => Status == SobolStatus.ZeroVariance;

    /// <summary>Number of index rows in the design.</summary>
    public int N { get; }

    /// <summary>Index rows used (all of A_j, B_j and every AB_i,j finite).</summary>
    public int UsedRows { get; }

    /// <summary>Index rows dropped because at least one of their outputs was NaN or infinite.</summary>
    public int DroppedRows => N - UsedRows;

    /// <summary>Output variance over the used rows of A and B together (population variance).</summary>
    public double Variance { get; }

    /// <summary>Number of bootstrap resamples used for the confidence bounds.</summary>
    public int BootstrapResamples { get; }

    /// <summary>Two-sided confidence level of the bounds.</summary>
    public double Confidence { get; }
}

/// <summary>
/// Variance-based global sensitivity analysis with the Saltelli sampling scheme.
/// </summary>
/// <remarks>
/// Estimators (V = population variance of f_A and f_B pooled):
/// first order S_i = mean(f_B · (f_ABi − f_A)) / V (Saltelli et al. 2010);
/// total order ST_i = mean((f_A − f_ABi)²) / (2V) (Jansen 1999).
/// Before estimation outputs are centred on the pooled mean of f_A and f_B; this leaves the first-order
/// estimator's expectation unchanged (E[f_ABi − f_A] = 0) but greatly reduces its variance when the output
/// mean is large relative to its spread, and it does not affect the Jansen estimator.
/// Confidence bounds are percentile bootstrap bounds obtained by resampling the index rows j with replacement.
/// </remarks>
public static class Sobol
{
    /// <summary>
    /// Creates a Saltelli design with <paramref name="n"/> base samples for <paramref name="dims"/> parameters.
    /// A and B are drawn together as one n x 2·dims design (Monte Carlo by default), A = first dims columns, B = the rest.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="dims"/> &lt; 1.</exception>
    public static SaltelliDesign Create(int n, int dims, int seed, SobolBaseSampling baseSampling = SobolBaseSampling.MonteCarlo)
    {
        Sampling.ValidateShape(n, dims);
        long total = (long)n * (dims + 2);
        if (total > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(n), n, "n·(dims+2) exceeds the maximum array size.");

        double[,] ab = baseSampling switch
        {
            SobolBaseSampling.MonteCarlo => Sampling.MonteCarlo(n, 2 * dims, seed),
            SobolBaseSampling.LatinHypercube => Sampling.LatinHypercube(n, 2 * dims, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(baseSampling), baseSampling, "Unknown base sampling method."),
        };

        var rows = new double[total, dims];
        for (int j = 0; j < n; j++)
        {
            for (int c = 0; c < dims; c++)
            {
                double a = ab[j, c], b = ab[j, dims + c];
                rows[j, c] = a;
                rows[n + j, c] = b;
                for (int i = 0; i < dims; i++)
                    rows[(2 + i) * n + j, c] = c == i ? b : a;
            }
        }
        return new SaltelliDesign(n, dims, rows, baseSampling);
    }

    /// <summary>
    /// Estimates first- and total-order Sobol indices from model outputs ordered like <see cref="SaltelliDesign.Rows"/>.
    /// </summary>
    /// <param name="y">Outputs, length n·(dims+2). Index rows j with any NaN/infinite output (in A, B or any AB_i) are dropped.</param>
    /// <param name="n">Base sample count of the design.</param>
    /// <param name="dims">Number of parameters.</param>
    /// <param name="bootstrapResamples">Bootstrap resamples for the confidence bounds; 0 skips the bootstrap (bounds are NaN).</param>
    /// <param name="seed">Seed for the bootstrap resampling.</param>
    /// <param name="confidence">Two-sided confidence level in (0, 1).</param>
    /// <exception cref="ArgumentException">Invalid sizes or options.</exception>
    public static SobolResult Analyze(double[] y, int n, int dims, int bootstrapResamples, int seed, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(y);
        Sampling.ValidateShape(n, dims);
        if ((long)n * (dims + 2) != y.Length)
            throw new ArgumentException(
                $"y has {y.Length} values but a Saltelli design with n={n}, dims={dims} has n·(dims+2) = {(long)n * (dims + 2)} rows.", nameof(y));
        if (bootstrapResamples < 0)
            throw new ArgumentOutOfRangeException(nameof(bootstrapResamples), bootstrapResamples, "Bootstrap resample count must be >= 0.");
        if (!(confidence > 0.0 && confidence < 1.0))
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence level must lie in (0, 1).");

        // Compact the usable index rows into contiguous arrays.
        var usable = new List<int>(n);
        for (int j = 0; j < n; j++)
        {
            bool ok = double.IsFinite(y[j]) && double.IsFinite(y[n + j]);
            for (int i = 0; ok && i < dims; i++) ok = double.IsFinite(y[(2 + i) * n + j]);
            if (ok) usable.Add(j);
        }
        int m = usable.Count;
        var fA = new double[m];
        var fB = new double[m];
        var fAB = new double[dims][];
        for (int i = 0; i < dims; i++) fAB[i] = new double[m];
        for (int k = 0; k < m; k++)
        {
            int j = usable[k];
            fA[k] = y[j];
            fB[k] = y[n + j];
            for (int i = 0; i < dims; i++) fAB[i][k] = y[(2 + i) * n + j];
        }

        if (m < 2)
            return Degenerate(SobolStatus.InsufficientData, dims, n, m, 0.0, bootstrapResamples, confidence);

        var identity = new int[m];
        for (int k = 0; k < m; k++) identity[k] = k;
        var s1 = new double[dims];
        var st = new double[dims];
        if (!Estimate(fA, fB, fAB, identity, s1, st, out double variance))
            return Degenerate(SobolStatus.ZeroVariance, dims, n, m, variance, bootstrapResamples, confidence);

        var s1Low = new double[dims];
        var s1High = new double[dims];
        var stLow = new double[dims];
        var stHigh = new double[dims];
        if (bootstrapResamples == 0)
        {
            Array.Fill(s1Low, double.NaN);
            Array.Fill(s1High, double.NaN);
            Array.Fill(stLow, double.NaN);
            Array.Fill(stHigh, double.NaN);
        }
        else
        {
            var bootS1 = new double[dims][];
            var bootST = new double[dims][];
            for (int i = 0; i < dims; i++)
            {
                bootS1[i] = new double[bootstrapResamples];
                bootST[i] = new double[bootstrapResamples];
            }
            var rng = Sampling.CreateRng(seed);
            var idx = new int[m];
            var bs1 = new double[dims];
            var bst = new double[dims];
            for (int b = 0; b < bootstrapResamples; b++)
            {
                for (int k = 0; k < m; k++) idx[k] = rng.Next(m);
                Estimate(fA, fB, fAB, idx, bs1, bst, out _);
                for (int i = 0; i < dims; i++)
                {
                    bootS1[i][b] = bs1[i];
                    bootST[i][b] = bst[i];
                }
            }
            double tail = (1.0 - confidence) / 2.0;
            ReadOnlySpan<double> ps = [tail, 1.0 - tail];
            for (int i = 0; i < dims; i++)
            {
                var q1 = Percentiles.Quantiles(bootS1[i], ps);
                var qt = Percentiles.Quantiles(bootST[i], ps);
                s1Low[i] = q1[0];
                s1High[i] = q1[1];
                stLow[i] = qt[0];
                stHigh[i] = qt[1];
            }
        }

        var indices = new SobolIndices[dims];
        for (int i = 0; i < dims; i++)
            indices[i] = new SobolIndices(i, s1[i], s1Low[i], s1High[i], st[i], stLow[i], stHigh[i]);
        return new SobolResult(indices, SobolStatus.Ok, n, m, variance, bootstrapResamples, confidence);
    }

    /// <summary>
    /// Computes S1 and ST over the index rows listed in <paramref name="idx"/> (duplicates allowed).
    /// Returns false (and zeros) when the pooled variance is numerically zero.
    /// </summary>
    private static bool Estimate(double[] fA, double[] fB, double[][] fAB, int[] idx, double[] s1, double[] st, out double variance)
    {
        int m = idx.Length;
        double sum = 0.0;
        for (int k = 0; k < m; k++)
        {
            int j = idx[k];
            sum += fA[j] + fB[j];
        }
        double mean = sum / (2.0 * m);
        double ss = 0.0;
        for (int k = 0; k < m; k++)
        {
            int j = idx[k];
            double da = fA[j] - mean, db = fB[j] - mean;
            ss += da * da + db * db;
        }
        variance = ss / (2.0 * m);

        // Zero variance up to rounding: coefficient of variation below 1e-12 (or exactly zero).
        if (!(variance > 1e-24 * mean * mean) || variance == 0.0)
        {
            Array.Clear(s1);
            Array.Clear(st);
            return false;
        }

        for (int i = 0; i < fAB.Length; i++)
        {
            double[] fi = fAB[i];
            double first = 0.0, total = 0.0;
            for (int k = 0; k < m; k++)
            {
                int j = idx[k];
                double a = fA[j], diff = fi[j] - a;
                first += (fB[j] - mean) * diff;
                total += diff * diff;
            }
            s1[i] = first / m / variance;
            st[i] = total / (2.0 * m) / variance;
        }
        return true;
    }

    private static SobolResult Degenerate(SobolStatus status, int dims, int n, int used, double variance, int resamples, double confidence)
    {
        var indices = new SobolIndices[dims];
        for (int i = 0; i < dims; i++) indices[i] = new SobolIndices(i, 0, 0, 0, 0, 0, 0);
        return new SobolResult(indices, status, n, used, double.IsFinite(variance) ? variance : 0.0, resamples, confidence);
    }
}
