using RareEarth.Engine;
using RareEarth.Runner.Batch;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Calibration;

/// <summary>
/// A targets file bound to a scenario's model: the series each target reads, and the store layout of a calibration
/// batch: one metric column per target distance (<c>distance</c> = the weighted RMS over the fitted targets, then
/// <c>d_fit_NAME</c> and <c>d_val_NAME</c>) and one monthly series per history series (metric, material, country;
/// a partner is part of the metric, e.g. <c>imports_from_CN</c>).
/// </summary>
public sealed class CalibrationSetup
{
    public required TargetsFile Targets { get; init; }
    public required IReadOnlyList<BoundSeries> Series { get; init; }
    /// <summary>For each target (in <see cref="TargetsFile.Targets"/> order), the index of its series.</summary>
    public required int[] SeriesOf { get; init; }
    public required BatchLayout Layout { get; init; }
    public required int StartYear { get; init; }
    public required int StartMonth { get; init; }
    public required int Months { get; init; }

    public int MonthIndex(string label) => Distances.MonthIndex(StartYear, StartMonth, label);

    public static string MetricName(CalibrationTarget t) => BatchLayout.Col(t.Role == TargetRole.Fitted ? "d_fit" : "d_val", t.Name);
    public static string SeriesMetric(SeriesKey k) => k.Partner.Length > 0 ? $"{k.Metric}_from_{k.Partner}" : k.Metric;

    /// <summary>Binds the targets to the scenario's model; throws <see cref="ScenarioException"/> naming every target that does not fit it.</summary>
    public static CalibrationSetup Bind(TargetsFile targets, CompiledScenario scenario)
    {
        var m = scenario.Model;
        var errors = new List<ScenarioError>();
        var keys = targets.Targets.Select(t => t.Series).Distinct().ToList();
        var bound = new List<BoundSeries>();
        foreach (var k in keys)
        {
            var (b0, problem) = BoundSeries.Bind(m, k);
            if (b0 is not null) { bound.Add(b0); continue; }
            foreach (var t in targets.Targets.Where(t => t.Series == k))
                errors.Add(Error(targets.Path, t, "", $"found {k}: {problem}; expected a series of the scenario {scenario.Name}"));
        }
        foreach (var t in targets.Targets)
            foreach (var p in t.Points)
            {
                int i = Distances.MonthIndex(m.StartYear, m.StartMonth, p.Month);
                if (i < 0 || i >= m.Months)
                    errors.Add(Error(targets.Path, t, "months", $"found {p.Month}, expected a month within the scenario's horizon {m.MonthLabel(0)} to {m.MonthLabel(m.Months - 1)}"));
            }
        if (errors.Count > 0) throw new ScenarioException(errors);

        var metrics = new List<MetricDef> { new("distance", MetricKind.CalibrationDistance, -1, -1, -1, "", "weighted root mean square of the fitted targets' distances") };
        foreach (var t in targets.Targets)
            metrics.Add(new MetricDef(MetricName(t), MetricKind.CalibrationDistance, -1, -1, -1, "",
                $"{(t.Role == TargetRole.Fitted ? "fitted" : "validation")} target {t.Name}: {CalibrationTarget.DistanceName(t.Distance)} distance of {t.Series} over {t.Points.Count} history points"));
        var series = bound.Select((b, id) => new SeriesDef(id, SeriesKind.Price, SeriesMetric(b.Key), -1, -1, -1, b.Key.Material, b.Key.Country,
            b.Key.Metric == "price" ? "USD/kg" : "t")).ToList();
        var layout = new BatchLayout
        {
            Metrics = metrics, Series = series, FocusMaterials = Array.Empty<int>(), Months = m.Months,
            MaterialIds = m.MaterialIds, CountryIds = m.CountryIds, RegionIds = m.RegionIds,
            StartYear = m.StartYear, StartMonth = m.StartMonth, ShockMonth = m.ShockMonth, HasCounterfactual = false,
        };
        return new CalibrationSetup
        {
            Targets = targets, Series = bound, SeriesOf = targets.Targets.Select(t => keys.IndexOf(t.Series)).ToArray(), Layout = layout,
            StartYear = m.StartYear, StartMonth = m.StartMonth, Months = m.Months,
        };
    }

    static ScenarioError Error(string file, CalibrationTarget t, string key, string message)
    {
        var parts = t.Where.Split(':');
        return new ScenarioError(file, int.Parse(parts[^2]), int.Parse(parts[^1]), key.Length > 0 ? $"{t.Name}.{key}" : t.Name, message);
    }

    /// <summary>The layout's metrics of one run: total distance, then each target's (NaN where undefined).</summary>
    public void Metrics(double[][] series, Span<double> into)
    {
        var targets = Targets.Targets;
        var weights = new List<double>();
        Span<double> fitted = stackalloc double[targets.Count];
        int nf = 0;
        for (int k = 0; k < targets.Count; k++)
        {
            double d = Distances.Of(targets[k], series[SeriesOf[k]], MonthIndex);
            into[k + 1] = d;
            if (targets[k].Role == TargetRole.Fitted) { fitted[nf++] = d; weights.Add(targets[k].Weight); }
        }
        into[0] = Distances.Total(fitted[..nf], weights);
    }
}
