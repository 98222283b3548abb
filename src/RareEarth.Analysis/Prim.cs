namespace RareEarth.Analysis;

/// <summary>Options for <see cref="Prim.FindBox"/>.</summary>
public sealed record PrimOptions
{
    /// <summary>Fraction of the points currently in the box removed by one peel, in (0, 0.5). Default 0.05.</summary>
    public double PeelAlpha { get; init; } = 0.05;

    /// <summary>Minimum box mass (fraction of all points) a peel may leave, in [0, 1). Default 0.05.</summary>
    public double MinMass { get; init; } = 0.05;

    /// <summary>Boxes with lower coverage are not eligible for selection, in [0, 1]. Default 0.5.</summary>
    public double MinCoverage { get; init; } = 0.5;

    /// <summary>
    /// Optional density threshold in (0, 1]. When set, the selected box is the one with the highest coverage among
    /// eligible boxes whose density reaches the threshold; when none does, the default rule applies and
    /// <see cref="PrimBox.MeetsThreshold"/> is false.
    /// </summary>
    public double? ThresholdDensity { get; init; }

    /// <summary>Run the pasting phase on the selected box (Friedman &amp; Fisher). Default false.</summary>
    public bool Paste { get; init; }

    /// <summary>Fraction of the box's point count that one paste tries to add, in (0, 1). Default 0.05.</summary>
    public double PasteAlpha { get; init; } = 0.05;
}

/// <summary>Interval limit of one parameter in a PRIM box; points with Low ≤ x ≤ High are inside.</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Low">Inclusive lower limit.</param>
/// <param name="High">Inclusive upper limit.</param>
public sealed record PrimLimit(string Name, double Low, double High);

/// <summary>One box on the peeling trajectory (step 0 is the box spanning all data).</summary>
/// <param name="Index">Position on the trajectory.</param>
/// <param name="Coverage">Cases of interest inside / all cases of interest.</param>
/// <param name="Density">Cases of interest inside / points inside.</param>
/// <param name="Mass">Points inside / all points.</param>
/// <param name="Count">Points inside.</param>
/// <param name="CasesInside">Cases of interest inside.</param>
/// <param name="RestrictedDimensions">Number of parameters whose limits differ from the data range.</param>
/// <param name="Limits">Limits of every parameter (restricted or not), in column order.</param>
public sealed record PrimStep(int Index, double Coverage, double Density, double Mass, int Count, int CasesInside,
    int RestrictedDimensions, IReadOnlyList<PrimLimit> Limits);

/// <summary>The box chosen by <see cref="Prim.FindBox"/>.</summary>
public sealed record PrimBox
{
    /// <summary>Cases of interest inside / all cases of interest.</summary>
    public required double Coverage { get; init; }

    /// <summary>Cases of interest inside / points inside.</summary>
    public required double Density { get; init; }

    /// <summary>Points inside / all points.</summary>
    public required double Mass { get; init; }

    /// <summary>Points inside.</summary>
    public required int Count { get; init; }

    /// <summary>Cases of interest inside.</summary>
    public required int CasesInside { get; init; }

    /// <summary>Limits of the restricted parameters only (limits differing from the data min/max), in column order.</summary>
    public required IReadOnlyList<PrimLimit> Limits { get; init; }

    /// <summary>The peeling trajectory (before any pasting).</summary>
    public required IReadOnlyList<PrimStep> Trajectory { get; init; }

    /// <summary>Index into <see cref="Trajectory"/> of the selected peeled box.</summary>
    public required int SelectedStep { get; init; }

    /// <summary>False when a <see cref="PrimOptions.ThresholdDensity"/> was given but no eligible box reached it.</summary>
    public required bool MeetsThreshold { get; init; }

    /// <summary>Number of pastes applied to the selected box (0 unless <see cref="PrimOptions.Paste"/>).</summary>
    public required int PasteSteps { get; init; }

    /// <summary>Fraction of all points that are cases of interest.</summary>
    public required double BaseDensity { get; init; }
}

/// <summary>
/// Patient Rule Induction Method (Friedman &amp; Fisher 1999) for scenario discovery, following the
/// EMA Workbench conventions for real-valued inputs.
/// </summary>
/// <remarks>
/// Peeling: at each step, for every parameter and both sides, a candidate removes the points beyond the
/// <see cref="PrimOptions.PeelAlpha"/> quantile of the points currently in the box (the cut is moved to the next
/// distinct value so that ties never make a peel empty). The candidate with the highest density of the remaining box
/// is taken (ties: fewer restricted parameters, then lower column, lower side first) as long as the remaining mass
/// is at least <see cref="PrimOptions.MinMass"/>. The trajectory records every box. Selection: among boxes with
/// coverage ≥ <see cref="PrimOptions.MinCoverage"/>, the highest density (ties: higher coverage, then earlier step).
/// </remarks>
public static class Prim
{
    /// <summary>Runs peeling (and optionally pasting) and returns the selected box with the full trajectory.</summary>
    /// <param name="x">n x d matrix of real-valued inputs (no NaN).</param>
    /// <param name="y">Length-n flags marking the cases of interest.</param>
    /// <param name="names">d parameter names.</param>
    /// <param name="options">Options; null for defaults.</param>
    /// <exception cref="ArgumentException">Shape mismatch, NaN inputs, invalid options, or no case of interest in <paramref name="y"/>.</exception>
    public static PrimBox FindBox(double[,] x, bool[] y, IReadOnlyList<string> names, PrimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(names);
        options ??= new PrimOptions();
        Validate(options);

        int n = x.GetLength(0), d = x.GetLength(1);
        if (n == 0) throw new ArgumentException("x has no rows.", nameof(x));
        if (d == 0) throw new ArgumentException("x has no columns.", nameof(x));
        if (y.Length != n) throw new ArgumentException($"y has {y.Length} entries but x has {n} rows.", nameof(y));
        if (names.Count != d) throw new ArgumentException($"names has {names.Count} entries but x has {d} columns.", nameof(names));
        for (int c = 0; c < d; c++)
            if (names[c] is null) throw new ArgumentException($"Parameter name {c} is null.", nameof(names));

        int totalCases = 0;
        for (int r = 0; r < n; r++) if (y[r]) totalCases++;
        if (totalCases == 0)
            throw new ArgumentException(
                "y contains no cases of interest (all false); PRIM needs at least one case of interest to find a box.", nameof(y));

        var dataMin = new double[d];
        var dataMax = new double[d];
        for (int c = 0; c < d; c++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int r = 0; r < n; r++)
            {
                double v = x[r, c];
                if (double.IsNaN(v))
                    throw new ArgumentException($"x contains NaN at row {r}, column {c} ('{names[c]}').", nameof(x));
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
            dataMin[c] = lo;
            dataMax[c] = hi;
        }

        var ctx = new Context(x, y, names, n, d, totalCases, dataMin, dataMax);
        var trajectory = Peel(ctx, options);
        var (selected, meets) = Select(trajectory, options);

        var chosen = trajectory[selected];
        var low = new double[d];
        var high = new double[d];
        for (int c = 0; c < d; c++)
        {
            low[c] = chosen.Limits[c].Low;
            high[c] = chosen.Limits[c].High;
        }
        int count = chosen.Count, cases = chosen.CasesInside, pastes = 0;
        if (options.Paste)
            pastes = PasteBox(ctx, options, low, high, ref count, ref cases);

        var limits = new List<PrimLimit>();
        for (int c = 0; c < d; c++)
            if (ctx.IsRestricted(c, low[c], high[c]))
                limits.Add(new PrimLimit(names[c], low[c], high[c]));

        return new PrimBox
        {
            Coverage = (double)cases / totalCases,
            Density = (double)cases / count,
            Mass = (double)count / n,
            Count = count,
            CasesInside = cases,
            Limits = limits,
            Trajectory = trajectory,
            SelectedStep = selected,
            MeetsThreshold = meets,
            PasteSteps = pastes,
            BaseDensity = (double)totalCases / n,
        };
    }

    private sealed record Context(double[,] X, bool[] Y, IReadOnlyList<string> Names, int N, int D, int TotalCases,
        double[] DataMin, double[] DataMax)
    {
        public bool IsRestricted(int c, double low, double high) => low > DataMin[c] || high < DataMax[c];

        public int CountRestricted(double[] low, double[] high)
        {
            int k = 0;
            for (int c = 0; c < D; c++) if (IsRestricted(c, low[c], high[c])) k++;
            return k;
        }

        public PrimStep Step(int index, double[] low, double[] high, int count, int cases)
        {
            var limits = new PrimLimit[D];
            for (int c = 0; c < D; c++) limits[c] = new PrimLimit(Names[c], low[c], high[c]);
            return new PrimStep(index, (double)cases / TotalCases, (double)cases / count, (double)count / N,
                count, cases, CountRestricted(low, high), limits);
        }
    }

    private static List<PrimStep> Peel(Context ctx, PrimOptions options)
    {
        int n = ctx.N, d = ctx.D;
        var x = ctx.X;
        var y = ctx.Y;
        var low = (double[])ctx.DataMin.Clone();
        var high = (double[])ctx.DataMax.Clone();

        var inBox = new int[n];
        for (int r = 0; r < n; r++) inBox[r] = r;
        int m = n, cases = ctx.TotalCases;

        var trajectory = new List<PrimStep> { ctx.Step(0, low, high, m, cases) };
        var buffer = new double[n];
        int currentRestricted = 0;

        while (true)
        {
            // Best candidate so far.
            int bestDim = -1;
            bool bestUpper = false;
            double bestCut = 0;
            int bestCount = 0, bestCases = 0, bestRestricted = int.MaxValue;

            for (int c = 0; c < d; c++)
            {
                for (int k = 0; k < m; k++) buffer[k] = x[inBox[k], c];
                var sorted = buffer.AsSpan(0, m);
                sorted.Sort();

                for (int side = 0; side < 2; side++)
                {
                    bool upper = side == 1;
                    if (!TryPeelCut(sorted, options.PeelAlpha, upper, out double cut)) continue;

                    int keptCount = 0, keptCases = 0;
                    for (int k = 0; k < m; k++)
                    {
                        int r = inBox[k];
                        double v = x[r, c];
                        if (upper ? v <= cut : v >= cut)
                        {
                            keptCount++;
                            if (y[r]) keptCases++;
                        }
                    }
                    if (keptCount == 0 || keptCount >= m) continue;
                    if ((double)keptCount / n < options.MinMass) continue;

                    bool wasRestricted = ctx.IsRestricted(c, low[c], high[c]);
                    int restricted = currentRestricted + (wasRestricted ? 0 : 1);

                    if (bestDim < 0 || IsBetter(keptCases, keptCount, restricted, bestCases, bestCount, bestRestricted))
                    {
                        bestDim = c;
                        bestUpper = upper;
                        bestCut = cut;
                        bestCount = keptCount;
                        bestCases = keptCases;
                        bestRestricted = restricted;
                    }
                }
            }

            if (bestDim < 0) break;

            // Apply the best peel.
            int w = 0;
            for (int k = 0; k < m; k++)
            {
                int r = inBox[k];
                double v = x[r, bestDim];
                if (bestUpper ? v <= bestCut : v >= bestCut) inBox[w++] = r;
            }
            m = w;
            cases = bestCases;
            if (bestUpper) high[bestDim] = bestCut; else low[bestDim] = bestCut;
            currentRestricted = bestRestricted;
            trajectory.Add(ctx.Step(trajectory.Count, low, high, m, cases));
        }
        return trajectory;
    }

    /// <summary>Strictly better: higher density, or equal density and fewer restricted dimensions.</summary>
    private static bool IsBetter(int cases, int count, int restricted, int bestCases, int bestCount, int bestRestricted)
    {
        long lhs = (long)cases * bestCount, rhs = (long)bestCases * count; // compare cases/count exactly
        if (lhs != rhs) return lhs > rhs;
        return restricted < bestRestricted;
    }

    /// <summary>
    /// Peel cut at the alpha (lower) or 1-alpha (upper) position of the sorted in-box values, moved to the next
    /// distinct value so that at least one point is removed (EMA Workbench's get_quantile). For a lower peel the box
    /// keeps v ≥ cut; for an upper peel v ≤ cut. Returns false when all values are equal.
    /// </summary>
    private static bool TryPeelCut(ReadOnlySpan<double> sorted, double alpha, bool upper, out double cut)
    {
        int m = sorted.Length;
        cut = 0;
        if (m < 2 || sorted[0] == sorted[m - 1]) return false;
        if (!upper)
        {
            double h = (m - 1) * alpha;
            int lo = (int)Math.Floor(h), hi = (int)Math.Ceiling(h);
            while (sorted[lo] == sorted[hi] && hi < m - 1) hi++;
            cut = sorted[hi];
            return cut > sorted[0];
        }
        else
        {
            double h = (m - 1) * (1.0 - alpha);
            int lo = (int)Math.Floor(h), hi = (int)Math.Ceiling(h);
            while (sorted[lo] == sorted[hi] && lo > 0) lo--;
            cut = sorted[lo];
            return cut < sorted[m - 1];
        }
    }

    private static (int Selected, bool MeetsThreshold) Select(List<PrimStep> trajectory, PrimOptions options)
    {
        if (options.ThresholdDensity is double threshold)
        {
            int best = -1;
            for (int s = 0; s < trajectory.Count; s++)
            {
                var t = trajectory[s];
                if (t.Coverage < options.MinCoverage || t.Density < threshold) continue;
                if (best < 0 || t.Coverage > trajectory[best].Coverage ||
                    (t.Coverage == trajectory[best].Coverage && t.Density > trajectory[best].Density))
                    best = s;
            }
            if (best >= 0) return (best, true);
        }

        int sel = 0; // step 0 has coverage 1, so it is always eligible
        for (int s = 1; s < trajectory.Count; s++)
        {
            var t = trajectory[s];
            if (t.Coverage < options.MinCoverage) continue;
            var b = trajectory[sel];
            if (t.Density > b.Density || (t.Density == b.Density && t.Coverage > b.Coverage))
                sel = s;
        }
        return (sel, options.ThresholdDensity is null);
    }

    /// <summary>
    /// Pasting: repeatedly widens one restricted side of the box to take in about PasteAlpha·count of the nearest
    /// outside points (those satisfying every other limit), accepting the widening that gives the highest density
    /// as long as it strictly increases density. Returns the number of pastes applied.
    /// </summary>
    private static int PasteBox(Context ctx, PrimOptions options, double[] low, double[] high, ref int count, ref int cases)
    {
        int n = ctx.N, d = ctx.D;
        var x = ctx.X;
        var y = ctx.Y;
        var strip = new List<double>();
        int pastes = 0;

        while (true)
        {
            int bestDim = -1;
            bool bestUpper = false;
            double bestLimit = 0;
            int bestCount = count, bestCases = cases;

            for (int c = 0; c < d; c++)
            {
                for (int side = 0; side < 2; side++)
                {
                    bool upper = side == 1;
                    if (upper ? !(high[c] < ctx.DataMax[c]) : !(low[c] > ctx.DataMin[c])) continue;

                    // Points outside only because of this side of dimension c.
                    strip.Clear();
                    for (int r = 0; r < n; r++)
                    {
                        double v = x[r, c];
                        if (upper ? !(v > high[c]) : !(v < low[c])) continue;
                        if (!InsideExcept(x, r, c, low, high, d)) continue;
                        strip.Add(v);
                    }
                    if (strip.Count == 0) continue;

                    strip.Sort();
                    int take = Math.Min(strip.Count, Math.Max(1, (int)Math.Ceiling(options.PasteAlpha * count)));
                    double limit = upper ? strip[take - 1] : strip[strip.Count - take];

                    int addCount = 0, addCases = 0;
                    for (int r = 0; r < n; r++)
                    {
                        double v = x[r, c];
                        bool inStrip = upper ? v > high[c] && v <= limit : v < low[c] && v >= limit;
                        if (!inStrip || !InsideExcept(x, r, c, low, high, d)) continue;
                        addCount++;
                        if (y[r]) addCases++;
                    }
                    int newCount = count + addCount, newCases = cases + addCases;
                    if ((long)newCases * bestCount > (long)bestCases * newCount)
                    {
                        bestDim = c;
                        bestUpper = upper;
                        bestLimit = limit;
                        bestCount = newCount;
                        bestCases = newCases;
                    }
                }
            }

            if (bestDim < 0) return pastes; // no paste strictly increases density
            if (bestUpper) high[bestDim] = bestLimit; else low[bestDim] = bestLimit;
            count = bestCount;
            cases = bestCases;
            pastes++;
        }
    }

    private static bool InsideExcept(double[,] x, int r, int skip, double[] low, double[] high, int d)
    {
        for (int c = 0; c < d; c++)
        {
            if (c == skip) continue;
            double v = x[r, c];
            if (v < low[c] || v > high[c]) return false;
        }
        return true;
    }

    private static void Validate(PrimOptions o)
    {
        if (!(o.PeelAlpha > 0.0 && o.PeelAlpha < 0.5))
            throw new ArgumentException($"PeelAlpha must lie in (0, 0.5) but was {o.PeelAlpha}.", "options");
        if (!(o.MinMass >= 0.0 && o.MinMass < 1.0))
            throw new ArgumentException($"MinMass must lie in [0, 1) but was {o.MinMass}.", "options");
        if (!(o.MinCoverage >= 0.0 && o.MinCoverage <= 1.0))
            throw new ArgumentException($"MinCoverage must lie in [0, 1] but was {o.MinCoverage}.", "options");
        if (o.ThresholdDensity is double t && !(t > 0.0 && t <= 1.0))
            throw new ArgumentException($"ThresholdDensity must lie in (0, 1] but was {t}.", "options");
        if (!(o.PasteAlpha > 0.0 && o.PasteAlpha < 1.0))
            throw new ArgumentException($"PasteAlpha must lie in (0, 1) but was {o.PasteAlpha}.", "options");
    }
}
