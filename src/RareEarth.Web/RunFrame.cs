using RareEarth.Reporting;
using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Web;

/// <summary>
/// What the page draws of one run, for one material: prices by region, each country's shortage, its share bought from
/// China and its stock coverage, month by month; the run's summary (the numbers of summary.json, with its costs against
/// the counterfactual) and its headline outcomes. Small enough to keep hundreds of them for bands.
/// </summary>
public sealed class RunFrame
{
    public required int Seed { get; init; }
    public required double[] PriceOutside { get; init; }
    public required double[] PriceChina { get; init; }
    /// <summary>Shortage in % of demand, by country code (countries with a demand for the material).</summary>
    public required Dictionary<string, double[]> Shortage { get; init; }
    /// <summary>Share bought from China in %, NaN in months with hardly any purchases, by importer.</summary>
    public required Dictionary<string, double[]> ChinaShare { get; init; }
    /// <summary>Stocks (firms, users, strategic stockpiles) in months of demand, by country.</summary>
    public required Dictionary<string, double[]> Coverage { get; init; }
    public required RunSummary Summary { get; init; }
    public required List<Outcome> Outcomes { get; init; }

    /// <summary>
    /// Runs a compiled scenario with one seed, and its counterfactual, exactly as <c>run</c> does (SingleRun,
    /// SummaryBuilder, CounterfactualBuilder), and keeps what the page needs. <paramref name="recorder"/> receives the
    /// full recording when the caller wants it (explanations).
    /// </summary>
    public static RunFrame Run(CompiledScenario compiled, int seed, string material, Action<SeriesRecorder, SeriesRecorder?>? recorder = null)
    {
        var rec = SingleRun.Execute(compiled, seed);
        var cf = SingleRun.Counterfactual(compiled.Model, seed);
        var summary = SummaryBuilder.Build(rec, compiled.Name, seed, compiled.Document.Hash()) with
        {
            Counterfactual = cf is null ? null : CounterfactualBuilder.Build(rec.Totals, cf.Totals),
            Resilience = cf is null ? null : ResilienceBuilder.Build(rec.Totals, cf.Totals),
        };
        recorder?.Invoke(rec, cf);
        return From(rec, summary, material, seed);
    }

    public static RunFrame From(SeriesRecorder r, RunSummary summary, string material, int seed)
    {
        var m = r.Model;
        int T = m.Months, mat = Array.IndexOf(m.MaterialIds, material);
        if (mat < 0) mat = 0;
        var shortage = new Dictionary<string, double[]>();
        var share = new Dictionary<string, double[]>();
        var cover = new Dictionary<string, double[]>();
        for (int c = 0; c < m.C; c++)
        {
            string id = m.CountryIds[c];
            bool demand = false;
            var sh = new double[T];
            var cv = new double[T];
            for (int t = 0; t < T; t++)
            {
                double d = r.At(r.Demand, t, c, mat);
                demand |= d > 0;
                sh[t] = d > 0 ? 100 * r.At(r.Shortage, t, c, mat) / d : 0;
                cv[t] = d > 0 ? (r.At(r.Inventory, t, c, mat) + r.At(r.Stockpile, t, c, mat)) / d : double.NaN;
            }
            if (!demand) continue;
            shortage[id] = sh;
            cover[id] = cv;
            if (m.CountryRegion[c] != 0) share[id] = RunCharts.ChinaShare(r, c, mat);
        }
        var po = new double[T];
        var pc = new double[T];
        for (int t = 0; t < T; t++) { po[t] = r.PriceAt(t, mat, 1); pc[t] = r.PriceAt(t, mat, 0); }
        return new RunFrame
        {
            Seed = seed, PriceOutside = po, PriceChina = pc, Shortage = shortage, ChinaShare = share, Coverage = cover, Summary = summary,
            Outcomes = HtmlOutcomes.From(summary, m.RegionIds[1], new[] { m.MaterialIds[mat] }, Targets(summary, m), CostCountries(summary, m)),
        };
    }

    /// <summary>The countries a headline speaks of: those the scenario's restrictions target, else every importer outside China.</summary>
    public static IReadOnlyList<string> Targets(RunSummary s, Engine.Model m) =>
        s.Focus.Countries.Count > 0 ? s.Focus.Countries
            : m.CountryIds.Where((_, c) => m.CountryRegion[c] != 0).ToList();

    /// <summary>The targeted countries and the restricting one (its cost too: mutual harm).</summary>
    public static IReadOnlyList<string> CostCountries(RunSummary s, Engine.Model m) =>
        Targets(s, m).Concat(s.Restrictor is { } r ? new[] { r.Country } : Array.Empty<string>()).Distinct().ToList();
}
