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
            var b = CalibrationScores.Bands(store, setup);
            bands[name] = b;
            scores[name] = CalibrationScores.Scores(store, setup, b);
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

    public static string MonthLabel(CalibrationSetup s, int t)
    {
        int m = s.StartMonth - 1 + t;
        return $"{s.StartYear + m / 12:0000}-{m % 12 + 1:00}";
    }
}
