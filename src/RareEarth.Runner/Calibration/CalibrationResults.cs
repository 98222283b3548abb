using RareEarth.Analysis;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Calibration;

/// <summary>One parameter's prior sample and weighted posterior.</summary>
public sealed record ParameterPosterior(UncertainParameter Prior, double[] PriorSample, double[] Posterior, double[] Weights)
{
    public double Quantile(double p) => WeightedStats.Quantile(Posterior, Weights, p);
    public double Mean => WeightedStats.Mean(Posterior, Weights);
    public double Sd => Math.Sqrt(WeightedStats.Variance(Posterior, Weights));
    public double PriorQuantile(double p) => WeightedStats.Quantile(PriorSample, Enumerable.Repeat(1.0, PriorSample.Length).ToArray(), p);
}

/// <summary>Per month of one series: the 5%, 50% and 95% quantiles over a batch's ok runs (NaN where no run has a value).</summary>
public sealed record Band(double[] P05, double[] P50, double[] P95);

/// <summary>How one batch (hand-set, prior or posterior) does on one target.</summary>
public sealed record TargetScore(double MedianDistance, double Coverage, double LogRmse, double PeakRatio, int PeakMonthOffset, string ModelPeakMonth, string HistoryPeakMonth);

/// <summary>Everything a fit report shows, computed from a finished calibration's folder.</summary>
public sealed class CalibrationResults
{
    public required CalibrationJob Job { get; init; }
    public required IReadOnlyList<PopulationFile> Generations { get; init; }
    public required IReadOnlyList<ParameterPosterior> Parameters { get; init; }
    /// <summary>Weighted correlation of the posterior particles, [parameter, parameter].</summary>
    public required double[,] Correlation { get; init; }
    /// <summary>Bands per series (setup order) for the batches "handset", "prior" (generation 0) and "posterior".</summary>
    public required IReadOnlyDictionary<string, Band[]> Bands { get; init; }
    /// <summary>Scores per target (targets-file order) for each batch.</summary>
    public required IReadOnlyDictionary<string, TargetScore[]> Scores { get; init; }
    /// <summary>Runs simulated: every generation's proposals plus the two predictive batches.</summary>
    public required int TotalRuns { get; init; }

    public static readonly string[] Batches = { "handset", "prior", "posterior" };

    public static CalibrationResults Read(CalibrationJob job)
    {
        var gens = Enumerable.Range(0, job.Settings.Generations).Select(g => job.Population(g) ?? throw new InvalidOperationException($"generation {g} is not complete")).ToList();
        var last = gens[^1];
        var setup = job.Setup;
        double[][] priorSample;
        using (var g0 = BatchStore.Open(Path.Combine(job.Dir, "gen-00.duckdb"), readOnly: true))
            priorSample = ParameterValues(g0, job.Uncertain);
        var parameters = job.Uncertain.Select((p, k) => new ParameterPosterior(p, priorSample.Select(r => r[k]).ToArray(), last.Theta.Select(r => r[k]).ToArray(), last.Weights)).ToList();
        var bands = new Dictionary<string, Band[]>();
        var scores = new Dictionary<string, TargetScore[]>();
        foreach (var name in Batches)
        {
            var file = name == "prior" ? "gen-00" : name;
            using var store = BatchStore.Open(Path.Combine(job.Dir, file + ".duckdb"), readOnly: true);
            var b = BandsOf(store, setup);
            bands[name] = b;
            scores[name] = setup.Targets.Targets.Select((t, k) => Score(store, setup, t, b[setup.SeriesOf[k]])).ToArray();
        }
        return new CalibrationResults
        {
            Job = job, Generations = gens, Parameters = parameters, Correlation = WeightedStats.Correlation(last.Theta, last.Weights),
            Bands = bands, Scores = scores, TotalRuns = gens.Sum(g => g.Proposed) + 2 * job.Settings.Particles,
        };
    }

    static double[][] ParameterValues(BatchStore store, IReadOnlyList<UncertainParameter> parameters)
    {
        var plan = store.ReadPlan();
        return Enumerable.Range(0, plan.Runs).Select(i => Enumerable.Range(0, parameters.Count).Select(k => plan.Values[i, k]).ToArray()).ToArray();
    }

    /// <summary>Type-7 quantiles per month over the store's ok runs, from the stored series (4 significant digits).</summary>
    static Band[] BandsOf(BatchStore store, CalibrationSetup setup)
    {
        int T = setup.Months, S = setup.Series.Count;
        var values = Enumerable.Range(0, S * T).Select(_ => new List<double>()).ToArray();
        foreach (var row in store.Rows("SELECT v.series_id, v.monthly FROM series_values v JOIN runs r USING (run_index) WHERE r.status = 'ok'"))
        {
            int s = Convert.ToInt32(row[0]);
            var monthly = (List<double>)row[1]!;
            for (int t = 0; t < T && t < monthly.Count; t++) if (!double.IsNaN(monthly[t])) values[s * T + t].Add(monthly[t]);
        }
        var bands = new Band[S];
        for (int s = 0; s < S; s++)
        {
            var b = new Band(new double[T], new double[T], new double[T]);
            for (int t = 0; t < T; t++)
            {
                var v = values[s * T + t];
                if (v.Count == 0) { b.P05[t] = b.P50[t] = b.P95[t] = double.NaN; continue; }
                v.Sort();
                var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(v);
                b.P05[t] = Percentiles.Quantile(span, 0.05); b.P50[t] = Percentiles.Quantile(span, 0.5); b.P95[t] = Percentiles.Quantile(span, 0.95);
            }
            bands[s] = b;
        }
        return bands;
    }

    /// <summary>
    /// A batch's score on a target: the median over runs of the target's distance; the share of history points inside
    /// the 5-95% band (coverage of the 90% band); the RMS of ln(median / history); the model median's peak over the
    /// points' span against history's largest point (ratio and months late, + = model later).
    /// </summary>
    static TargetScore Score(BatchStore store, CalibrationSetup setup, CalibrationTarget t, Band band)
    {
        var col = BatchStore.Q(CalibrationSetup.MetricName(t));
        var ds = store.Rows($"SELECT {col} FROM runs WHERE status = 'ok' AND {col} IS NOT NULL").Select(r => (double)r[0]!).Where(double.IsFinite).OrderBy(x => x).ToArray();
        double median = ds.Length > 0 ? Percentiles.Quantile(ds, 0.5) : double.NaN;
        int inside = 0;
        double sq = 0;
        foreach (var p in t.Points)
        {
            int i = setup.MonthIndex(p.Month);
            if (p.Value >= band.P05[i] && p.Value <= band.P95[i]) inside++;
            double r = Distances.LogRatio(band.P50[i], p.Value);
            sq += r * r;
        }
        int from = setup.MonthIndex(t.Points[0].Month), to = setup.MonthIndex(t.Points[^1].Month);
        int mp = from;
        for (int i = from; i <= to; i++) if (band.P50[i] > band.P50[mp]) mp = i;
        var hp = t.Points.MaxBy(p => p.Value)!;
        int hpi = setup.MonthIndex(hp.Month);
        return new TargetScore(median, (double)inside / t.Points.Count, Math.Sqrt(sq / t.Points.Count), band.P50[mp] / hp.Value, mp - hpi,
            MonthLabel(setup, mp), hp.Month);
    }

    public static string MonthLabel(CalibrationSetup s, int t)
    {
        int m = s.StartMonth - 1 + t;
        return $"{s.StartYear + m / 12:0000}-{m % 12 + 1:00}";
    }
}
