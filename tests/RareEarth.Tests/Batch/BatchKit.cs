using RareEarth.Runner.Batch;
using RareEarth.Runner.Output;
using RareEarth.Runner.Store;

namespace RareEarth.Tests.Batch;

/// <summary>The batch tests share the machine's two cores: they run one after another.</summary>
[CollectionDefinition("batch", DisableParallelization = true)]
public sealed class BatchCollection { }

/// <summary>Helpers: small batches of controls-2025 in temporary stores.</summary>
public static class BatchKit
{
    public static string Controls => TestPaths.Scenario("controls-2025.yaml");

    /// <summary>A 4-year horizon (2024-01 to 2027-12) keeps runs short; the shock (2025-04) stays inside.</summary>
    public static readonly string[] Short = { "end=2027-12" };

    public static string TempDb(string name = "batch.duckdb")
    {
        var dir = Path.Combine(Path.GetTempPath(), "rareearth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public static BatchJob Sampled(string db, DesignKind design, int n, int seed, params string[] sets)
    {
        var scenario = BatchScenario.Load(Controls, sets);
        var plan = BatchDesigns.Sampled(scenario, design, n, seed, "test");
        return BatchJob.Create(db, plan, scenario);
    }

    /// <summary>Creates and runs a sampled batch; returns the store's path.</summary>
    public static string RunSampled(DesignKind design, int n, int seed, int threads, params string[] sets)
    {
        var db = TempDb();
        using var job = Sampled(db, design, n, seed, sets);
        var outcome = job.Run(threads);
        Assert.True(outcome.Complete);
        return db;
    }

    /// <summary>What `run` writes to summary.json for this scenario and seed, counterfactual included.</summary>
    public static RunSummary SummaryOf(RareEarth.Scenarios.CompiledScenario compiled, int seed, RareEarth.Runner.Recording.SeriesRecorder? rec = null)
    {
        rec ??= RareEarth.Runner.SingleRun.Execute(compiled, seed);
        var cf = RareEarth.Runner.SingleRun.Counterfactual(compiled.Model, seed);
        return SummaryBuilder.Build(rec, compiled.Name, seed, compiled.Document.Hash()) with
        {
            Counterfactual = cf is null ? null : CounterfactualBuilder.Build(rec.Totals, cf.Totals),
            Resilience = cf is null ? null : ResilienceBuilder.Build(rec.Totals, cf.Totals),
        };
    }

    /// <summary>The value summary.json gives for a metric of the batch layout (NaN where summary.json has none); a
    /// country's peak market price from the run's own series when summary.json does not list its market.</summary>
    public static double FromSummary(RunSummary s, MetricDef m, BatchLayout layout, RareEarth.Runner.Recording.SeriesRecorder run)
    {
        string? mat = m.Material >= 0 ? layout.MaterialIds[m.Material] : null;
        string? c = m.Country >= 0 ? layout.CountryIds[m.Country] : null;
        return m.Kind switch
        {
            MetricKind.PeakPriceMultiple => s.Prices.Single(p => p.Material == mat && p.Region == layout.RegionIds[m.Region]).PeakMultiple,
            // summary.json lists a country's market under its code when it split off; otherwise the country paid its region's
            // pooled price, which is the outside-China price only while no other country is cut off: read from the run's series
            MetricKind.PeakMarketPriceMultiple => s.Prices.SingleOrDefault(p => p.Material == mat && p.Region == layout.CountryIds[m.Country])?.PeakMultiple
                                                   ?? PooledPeakMultiple(run, m.Material, m.Country),
            MetricKind.ShortageShare => s.Shortages.SingleOrDefault(x => x.Country == c && x.Material == mat)?.Share ?? double.NaN,
            MetricKind.ShortageMonths => s.Shortages.SingleOrDefault(x => x.Country == c && x.Material == mat)?.MonthsInShortage ?? double.NaN,
            MetricKind.DecouplingMonths50 => s.Decoupling.SingleOrDefault(d => d.Country == c && d.Material == mat && d.Basis == "direct")?.MonthsTo50 ?? double.NaN,
            MetricKind.TotalCost => s.Costs.Single(x => x.Country == c).TotalUsd,
            MetricKind.LostExportRevenue => s.Restrictor!.LostExportRevenueUsd,
            MetricKind.NetCostVsCounterfactual => s.Counterfactual!.Countries.Single(x => x.Country == c).NetCostUsd,
            MetricKind.ShortageVsCounterfactual => s.Counterfactual!.Countries.Single(x => x.Country == c).ShortageTonnes,
            MetricKind.LostExportRevenueVsCounterfactual => s.Counterfactual!.Restrictor!.LostExportRevenueUsd,
            MetricKind.ResilienceSize => ResilienceBuilder.Main(s.Resilience!.Disruptions, mat!)?.PeakSupplyLossShare ?? 0,
            MetricKind.ResilienceRecoveryMonths => ResilienceBuilder.RecoveryMetric(ResilienceBuilder.Main(s.Resilience!.Disruptions, mat!)),
            MetricKind.ResilienceShare => ResilienceBuilder.Main(s.Resilience!.Disruptions, mat!)?.Shares?[m.Mechanism] ?? double.NaN,
            _ => throw new ArgumentOutOfRangeException(nameof(m)),
        };
    }

    /// <summary>Peak over the baseline of country c's market price: its region's pooled price while its market did not split off.</summary>
    static double PooledPeakMultiple(RareEarth.Runner.Recording.SeriesRecorder run, int mat, int c)
    {
        var w = BaselineWindow.Of(run.Model);
        var price = run.CountryPriceSeries(mat, c);
        return MetricMath.Peak(price, w.Shock).Peak / MetricMath.Mean(price, w.From, w.To);
    }

    /// <summary>One stored run's metric values by column name (NULL as NaN).</summary>
    public static Dictionary<string, double> StoredMetrics(BatchStore store, BatchLayout layout, int run)
    {
        var cols = string.Join(", ", layout.Metrics.Select(m => BatchStore.Q(m.Name)));
        var row = store.Rows($"SELECT {cols} FROM runs WHERE run_index = {run} AND status = 'ok'").Single();
        return layout.Metrics.Select((m, k) => (m.Name, V: row[k] as double? ?? double.NaN)).ToDictionary(x => x.Name, x => x.V);
    }
}
