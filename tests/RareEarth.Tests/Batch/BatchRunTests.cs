using System.Text.Json;
using RareEarth.Runner;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Output;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Batch;

/// <summary>A batch's runs are the runs one would do alone, whatever the number of threads.</summary>
[Collection("batch")]
public class BatchRunTests
{
    [Fact]
    public void SameBatchOnOneAndTwoThreadsStoresIdenticalResults()
    {
        var one = BatchKit.RunSampled(DesignKind.LatinHypercube, 40, 11, threads: 1, BatchKit.Short);
        var two = BatchKit.RunSampled(DesignKind.LatinHypercube, 40, 11, threads: 2, BatchKit.Short);
        using var a = BatchStore.Open(one, readOnly: true);
        using var b = BatchStore.Open(two, readOnly: true);
        Assert.Equal(40L, a.Scalar<long>("SELECT count(*) FROM runs WHERE status = 'ok'"));
        Assert.Equal(a.ContentHash(), b.ContentHash());
        // and the hash does see the results: another master seed gives another hash
        var other = BatchKit.RunSampled(DesignKind.LatinHypercube, 40, 12, threads: 2, BatchKit.Short);
        using var c = BatchStore.Open(other, readOnly: true);
        Assert.NotEqual(a.ContentHash(), c.ContentHash());
        // series: every declared series for every run, one value per month (48 months)
        long keys = a.Scalar<long>("SELECT count(*) FROM series_keys");
        Assert.Equal(40 * keys, a.Scalar<long>("SELECT count(*) FROM series_values"));
        Assert.Equal(48L, a.Scalar<long>("SELECT max(len(monthly)) FROM series_values"));
        Assert.Equal(40L * 48, a.Scalar<long>("SELECT count(*) FROM series WHERE metric = 'price' AND material = 'ndfeb_magnet' AND country = 'ROW'"));
        QuantilesMatchDuckDb(a);
    }

    /// <summary>The quantiles table (computed in C#) equals DuckDB's own count, avg and quantile_cont over the series view.</summary>
    static void QuantilesMatchDuckDb(BatchStore store)
    {
        var ours = store.Rows("SELECT month, metric, material, country, n, mean, p05, p25, p50, p75, p95 FROM quantiles ORDER BY ALL");
        var duck = store.Rows("SELECT * FROM (" + store.QuantileSql("true") + ") ORDER BY month, metric, material, country");
        Assert.True(ours.Count > 0);
        Assert.Equal(store.Scalar<long>("SELECT count(*) FROM series_keys") * 48, ours.Count);
        Assert.Equal(duck.Count, ours.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            for (int k = 0; k < 4; k++) Assert.Equal(duck[i][k], ours[i][k]);
            Assert.Equal(Convert.ToInt64(duck[i][4]), Convert.ToInt64(ours[i][4]));
            for (int k = 5; k < 11; k++)
            {
                double x = (double)ours[i][k]!, y = (double)duck[i][k]!;
                Assert.True(Math.Abs(x - y) <= 1e-12 * Math.Max(1, Math.Abs(y)), $"row {i} column {k}: {x} vs DuckDB {y}");
            }
        }
    }

    [Fact]
    public void DesignIsStoredAndSeedsFollowTheDocumentedFunction()
    {
        var db = BatchKit.TempDb();
        using var job = BatchKit.Sampled(db, DesignKind.Sobol, 5, 3, BatchKit.Short);
        var plan = job.Plan;
        int d = plan.Parameters.Count;
        Assert.Equal(8, d);
        Assert.Equal(5 * (d + 2), plan.Runs);
        var back = job.Store.ReadPlan();
        Assert.Equal(plan.Seeds, back.Seeds);
        Assert.Equal(plan.Points, back.Points);
        for (int i = 0; i < plan.Runs; i++)
            for (int k = 0; k < d; k++) Assert.Equal(plan.Values[i, k], back.Values[i, k]);
        // sobol: A_j and AB_ij share seed(master, j); B_j has seed(master, N + j)
        for (int i = 0; i < plan.Runs; i++)
        {
            int block = i / 5, j = i % 5;
            Assert.Equal(BatchSeeds.Derive(3, (uint)(block == 1 ? 5 + j : j)), plan.Seeds[i]);
            Assert.True(plan.Seeds[i] >= 0);
        }
        // AB_i equals A except column i, which comes from B
        for (int i = 0; i < d; i++)
            for (int j = 0; j < 5; j++)
                for (int k = 0; k < d; k++)
                    Assert.Equal(k == i ? plan.Values[5 + j, k] : plan.Values[j, k], plan.Values[(2 + i) * 5 + j, k]);
        // values follow the declarations: JP hoarding gain is triangular on [1, 3]
        int hg = plan.Parameters.ToList().FindIndex(p => p.Name == "countries.JP.hoarding_gain");
        for (int i = 0; i < plan.Runs; i++) Assert.InRange(plan.Values[i, hg], 1.0, 3.0);

        var lhs = BatchDesigns.Sampled(job.Scenario, DesignKind.LatinHypercube, 8, 3, "test");
        Assert.Equal(Enumerable.Range(0, 8).Select(i => BatchSeeds.Derive(3, (uint)i)), lhs.Seeds);
        Assert.Equal(8, lhs.Seeds.Distinct().Count());
    }

    [Fact]
    public void RunIOfABatchEqualsASingleRunWithItsSeedAndValues()
    {
        var db = BatchKit.TempDb();
        BatchLayout layout;
        BatchPlan plan;
        using (var job = BatchKit.Sampled(db, DesignKind.Sobol, 3, 5, BatchKit.Short))
        {
            Assert.True(job.Run(2).Complete);
            layout = job.Layout;
            plan = job.Plan;
        }
        using var store = BatchStore.Open(db, readOnly: true);
        foreach (int i in new[] { 0, 4, 2 * 3 + 2, 7 * 3 + 1 }) // A_0, B_1, AB_0 row 2, AB_5 row 1
        {
            // what `run controls-2025.yaml --seed s --set end=2027-12 --set p1=v1 ...` computes
            var sets = BatchKit.Short.Concat(plan.OverridesOf(i).Select(kv => $"{kv.Key}={kv.Value}")).ToList();
            var compiled = ScenarioCompiler.LoadAndCompile(BatchKit.Controls, sets);
            var rec = SingleRun.Execute(compiled, plan.Seeds[i]);
            var summary = BatchKit.SummaryOf(compiled, plan.Seeds[i], rec);
            var stored = BatchKit.StoredMetrics(store, layout, i);
            foreach (var m in layout.Metrics)
                Assert.True(BatchKit.FromSummary(summary, m, layout, rec).Equals(stored[m.Name]),
                    $"run {i}, {m.Name}: summary {BatchKit.FromSummary(summary, m, layout, rec):R}, batch {stored[m.Name]:R}");
            // the stored series are the run's values rounded to 4 significant digits
            var price = store.Rows($"SELECT monthly FROM series_values v JOIN series_keys k USING (series_id) WHERE run_index = {i} AND metric = 'price' AND material = 'ndfeb_magnet' AND country = 'ROW'")
                .Single()[0] as System.Collections.IEnumerable;
            var values = price!.Cast<object>().Select(Convert.ToDouble).ToArray();
            int mat = compiled.Model.IndexOfMaterial("ndfeb_magnet");
            Assert.Equal(Enumerable.Range(0, rec.Months).Select(t => BatchRecorder.SeriesValue(rec.PriceAt(t, mat, 1))), values);
        }

        // and through the real command line: the stored reproduce command gives the same summary.json numbers
        var reproduce = store.Scalar<string>("SELECT reproduce FROM design WHERE run_index = 4").Split(' ').ToList();
        var outDir = Path.Combine(CliProcess.TempDir(), "run4");
        var (exit, _, err) = CliProcess.Run(reproduce.Concat(new[] { "--out", outDir, "--no-charts" }).ToArray());
        Assert.True(exit == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var run4 = BatchKit.StoredMetrics(store, layout, 4);
        var prices = json.RootElement.GetProperty("prices").EnumerateArray().ToList();
        foreach (var mat in new[] { "dy_oxide", "ndfeb_magnet" })
            Assert.Equal(run4[$"peak_price_multiple_{mat}_ROW"],
                prices.Single(p => p.GetProperty("material").GetString() == mat && p.GetProperty("region").GetString() == "ROW").GetProperty("peak_multiple").GetDouble());
        var jp = json.RootElement.GetProperty("costs").EnumerateArray().Single(c => c.GetProperty("country").GetString() == "JP");
        Assert.Equal(run4["total_cost_usd_JP"], jp.GetProperty("total_usd").GetDouble());
        var sh = json.RootElement.GetProperty("shortages").EnumerateArray().Single(c => c.GetProperty("country").GetString() == "JP" && c.GetProperty("material").GetString() == "ndfeb_magnet");
        Assert.Equal(run4["shortage_months_JP_ndfeb_magnet"], sh.GetProperty("months_in_shortage").GetInt32());
        Assert.Equal(run4["lost_export_revenue_usd_CN"], json.RootElement.GetProperty("restrictor").GetProperty("lost_export_revenue_usd").GetDouble());
        // costs against the counterfactual, paired per run, equal those of the run done alone
        var cfJp = json.RootElement.GetProperty("counterfactual").GetProperty("countries").EnumerateArray().Single(c => c.GetProperty("country").GetString() == "JP");
        Assert.Equal(run4["net_cost_vs_cf_usd_JP"], cfJp.GetProperty("net_cost_usd").GetDouble());
        Assert.Equal(run4["lost_export_revenue_vs_cf_usd_CN"],
            json.RootElement.GetProperty("counterfactual").GetProperty("restrictor").GetProperty("lost_export_revenue_usd").GetDouble());
    }

    [Fact]
    public void SweepRecordsFailedRunsAndGoesOnAndReplicationsMatchSingleRuns()
    {
        var scenario = BatchScenario.Load(BatchKit.Controls, BatchKit.Short);
        // hoarding_gain is validated to [0, 20]: the point 22 is invalid, its runs fail
        var plan = BatchDesigns.Sweep(scenario, new[] { SweepAxis.Parse("countries.JP.hoarding_gain=18:22:2"), SweepAxis.Parse("behaviour.risk_on_control=0.3:0.6:0.3") }, 2, 9, "test");
        Assert.Equal(3 * 2 * 2, plan.Runs);
        var db = BatchKit.TempDb();
        BatchOutcome outcome;
        using (var job = BatchJob.Create(db, plan, scenario)) outcome = job.Run(2);
        Assert.True(outcome.Complete);
        Assert.Equal(4, outcome.FailedNow);
        using var store = BatchStore.Open(db, readOnly: true);
        var failed = store.Rows("SELECT run_index, error FROM runs WHERE status = 'failed' ORDER BY run_index");
        Assert.Equal(new[] { 8, 9, 10, 11 }, failed.Select(r => (int)r[0]!));
        Assert.All(failed, r => Assert.Contains("countries.JP.hoarding_gain", (string)r[1]!));
        Assert.Equal(0L, store.Scalar<long>("SELECT count(*) FROM series_values WHERE run_index >= 8"));
        Assert.Equal(8L, store.Scalar<long>("SELECT count(*) FROM runs WHERE status = 'ok' AND total_cost_usd_JP IS NOT NULL"));
        // grid values are exact decimals; replication r has the same seed at every point
        Assert.Equal(new[] { 18.0, 20.0, 22.0 }, store.Rows("SELECT DISTINCT value FROM run_parameters WHERE name = 'countries.JP.hoarding_gain' ORDER BY 1").Select(r => (double)r[0]!));
        Assert.Equal(new[] { 0.3, 0.6 }, store.Rows("SELECT DISTINCT value FROM run_parameters WHERE name = 'behaviour.risk_on_control' ORDER BY 1").Select(r => (double)r[0]!));
        Assert.Equal(2L, store.Scalar<long>("SELECT count(DISTINCT seed) FROM design"));
        // the second replication of a point reuses its worker's compiled model and world state (Reset): still the single run
        int i = 3; // point 1 (18, 0.6), replication 1
        var sets = BatchKit.Short.Concat(plan.OverridesOf(i).Select(kv => $"{kv.Key}={kv.Value}")).ToList();
        var compiled = ScenarioCompiler.LoadAndCompile(BatchKit.Controls, sets);
        var rec = SingleRun.Execute(compiled, plan.Seeds[i]);
        var summary = BatchKit.SummaryOf(compiled, plan.Seeds[i], rec);
        var layout = BatchLayout.For(scenario.Nominal.Model);
        var stored = BatchKit.StoredMetrics(store, layout, i);
        foreach (var m in layout.Metrics) Assert.Equal(BatchKit.FromSummary(summary, m, layout, rec), stored[m.Name]);
    }
}

/// <summary>The batch's china_share series and the run charts show a share only in months with purchases.</summary>
public class BatchChinaShareTests
{
    [Fact]
    public void ChinaShareSeriesEqualTheRunChartsIncludingTheirGaps()
    {
        // the April licences as a halt, so that some importer has months without purchases (the gaps checked below)
        var compiled = RareEarth.Scenarios.ScenarioCompiler.LoadAndCompile(BatchKit.Controls, new List<string> { "events.0.regime=ban" });
        var layout = BatchLayout.For(compiled.Model);
        var recorder = new BatchRecorder(layout);
        RareEarth.Engine.Simulation.Run(new RareEarth.Engine.WorldState(compiled.Model, 5), recorder);
        var series = layout.Series.Select(_ => new double[layout.Months]).ToArray();
        recorder.Series(series);
        var full = SingleRun.Execute(compiled, 5);
        int gaps = 0;
        foreach (var s in layout.Series.Where(s => s.Kind == SeriesKind.ChinaShare))
        {
            var chart = RareEarth.Reporting.RunCharts.ChinaShare(full, s.Country, s.Material);
            for (int t = 0; t < layout.Months; t++)
            {
                double expected = double.IsNaN(chart[t]) ? double.NaN : BatchRecorder.SeriesValue(chart[t] / 100);
                Assert.Equal(expected, series[s.Id][t], 12);
                if (double.IsNaN(expected)) gaps++;
            }
        }
        Assert.True(gaps > 0, "no month without purchases: the test does not check the gaps");
    }
}
