using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Engine;

/// <summary>Costs against the same world and seed without the confrontation.</summary>
public class CounterfactualTests
{
    const string BanJapan =
        "events:\n" +
        "  - {month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: JP, regime: ban, confrontation: true}\n" +
        "  - {month: 2020-06, type: capacity_project, firm: us_sep, capacity: 1000, lead_months: 6, counterfactual: keep}\n";

    [Fact]
    public void TheCounterfactualIsTheRunWithoutTheDroppedEventsBitForBit()
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml", BanJapan)).Model;
        var cf = SingleRun.Counterfactual(model, 3)!;
        var kept = SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2020-06, type: capacity_project, firm: us_sep, capacity: 1000, lead_months: 6}\n")), 3);
        Assert.Equal(kept.Price, cf.Price);
        Assert.Equal(kept.Shortage, cf.Shortage);
        Assert.Equal(kept.Trade, cf.Trade);
        // and the scenario itself differs from it
        Assert.NotEqual(SingleRun.Execute(model, 3).Price, cf.Price);
    }

    [Theory]
    [InlineData("controls-2025.yaml", 15)]      // 2024-01 start, licences from 2025-04
    [InlineData("japan-2010.yaml", -1)]
    [InlineData("what-if/japan-ban-2026.yaml", -1)]
    public void APairedRunSharesTheMonthsBeforeTheConfrontationAndGivesTheSameResultsBitForBit(string scenario, int divergence)
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario)).Model;
        Assert.True(model.HasCounterfactual);
        int shared = model.CounterfactualDivergence;
        if (divergence >= 0) Assert.Equal(divergence, shared);
        Assert.InRange(shared, 1, model.Months - 1); // something is shared, and the worlds do part
        foreach (int seed in new[] { 1, 7 })
        {
            var run = new RareEarth.Runner.Recording.SeriesRecorder();
            var cf = new RareEarth.Runner.Recording.SeriesRecorder();
            var state = new RareEarth.Engine.WorldState(model, 1);
            state.Reset(seed); // a reused state, as a batch worker's
            var cfState = new RareEarth.Engine.WorldState(model, seed) { Counterfactual = true };
            RareEarth.Engine.Simulation.RunPaired(state, run, cfState, cf);
            AssertSameSeries(SingleRun.Execute(model, seed), run);
            AssertSameSeries(SingleRun.Execute(model, seed, counterfactual: true), cf);
            Assert.True(cfState.Counterfactual);
        }
    }

    /// <summary>Every recorded array of two full recordings, bit for bit (found by reflection: a new series is compared too).</summary>
    static void AssertSameSeries(RareEarth.Runner.Recording.SeriesRecorder expected, RareEarth.Runner.Recording.SeriesRecorder actual)
    {
        int compared = 0;
        foreach (var f in typeof(RareEarth.Runner.Recording.SeriesRecorder).GetFields())
        {
            if (f.GetValue(expected) is not double[] e) continue;
            var a = (double[])f.GetValue(actual)!;
            Assert.True(e.AsSpan().SequenceEqual(a), $"{f.Name} differs");
            compared++;
        }
        Assert.True(compared > 10);
        Assert.Equal(expected.Totals.ExportRevenue, actual.Totals.ExportRevenue);
        Assert.Equal(expected.Totals.EconomicLoss, actual.Totals.EconomicLoss);
    }

    [Fact]
    public void NothingToRemoveMeansNoCounterfactual()
    {
        Assert.Null(SingleRun.Counterfactual(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("baseline.yaml")).Model, 1));
        var allKept = ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: JP, regime: ban, counterfactual: keep}\n"));
        Assert.Null(SingleRun.Counterfactual(allKept.Model, 1));
    }

    [Fact]
    public void ABanOnJapanCostsJapanAndTheRestrictorAgainstTheCounterfactual()
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml", BanJapan)).Model;
        var run = SingleRun.Execute(model, 1);
        var d = CounterfactualBuilder.Build(run.Totals, SingleRun.Counterfactual(model, 1)!.Totals);
        var jp = d.Countries.Single(c => c.Country == "JP");
        Assert.True(jp.ShortageTonnes > 100, $"Japan's extra shortage {jp.ShortageTonnes} t");
        Assert.True(jp.EconomicLossUsd > 0 && jp.NetCostUsd > 0, $"Japan's net cost {jp.NetCostUsd}");
        // the restrictor's account is its own row (with one pooled outside market China sells its Japanese share
        // elsewhere at a higher price, so it may gain: per-country markets are issue 8's first item)
        Assert.NotNull(d.Restrictor);
        var cn = d.Countries.Single(c => c.Country == "CN");
        Assert.Equal(cn.NetCostUsd, d.Restrictor!.NetCostUsd);
        Assert.Equal(-cn.ExportRevenueUsd, d.Restrictor.LostExportRevenueUsd, 3);
        // every line adds up
        Assert.All(d.Countries, c => Assert.Equal(c.EconomicLossUsd + c.ProcurementUsd - c.ProducerMarginUsd, c.NetCostUsd, 6));
    }

    [Fact]
    public void RunReportsTheCounterfactualInTheConsoleAndSummaryJsonUnlessTurnedOff()
    {
        var dir = CliProcess.TempDir();
        var (exit, stdout, _) = CliProcess.Run("run", TestPaths.Scenario("controls-2025.yaml"), "--out", Path.Combine(dir, "a"), "--no-charts");
        Assert.Equal(0, exit);
        Assert.Contains("against the same world and seed without it", stdout);
        Assert.DoesNotContain("at the pre-shock rate", stdout);
        var json = File.ReadAllText(Path.Combine(dir, "a", "summary.json"));
        Assert.Contains("\"counterfactual\": {", json);
        Assert.Contains("\"net_cost_usd\"", json);
        (exit, stdout, _) = CliProcess.Run("run", TestPaths.Scenario("controls-2025.yaml"), "--out", Path.Combine(dir, "b"), "--no-charts", "--no-counterfactual");
        Assert.Equal(0, exit);
        Assert.Contains("at the pre-shock rate", stdout);
        Assert.Contains("\"counterfactual\": null", File.ReadAllText(Path.Combine(dir, "b", "summary.json")));
    }

    [Fact]
    public void BatchWithoutCounterfactualStoresItAsAnOverrideAndHasNoPairedColumns()
    {
        var dir = CliProcess.TempDir();
        string with = Path.Combine(dir, "with.duckdb"), without = Path.Combine(dir, "without.duckdb");
        var (exit, _, err) = CliProcess.Run("batch", TestPaths.Scenario("controls-2025.yaml"), "--runs", "4", "--threads", "1", "--out", with);
        Assert.True(exit == 0, err);
        (exit, _, err) = CliProcess.Run("batch", TestPaths.Scenario("controls-2025.yaml"), "--runs", "4", "--threads", "1", "--out", without, "--no-counterfactual");
        Assert.True(exit == 0, err);
        static string Columns(string db) => CliProcess.Run("sql", db, "select string_agg(column_name, ' ') from information_schema.columns where table_name = 'runs'").Out;
        Assert.Contains("net_cost_vs_cf_usd_JP", Columns(with));
        Assert.DoesNotContain("_vs_cf_", Columns(without));
        Assert.DoesNotContain("resilience_", Columns(without));
        // the same runs otherwise: the seeds and the outcomes that do not need the counterfactual agree
        static string Peaks(string db) => CliProcess.Run("sql", db, "select string_agg(cast(peak_price_multiple_dy_oxide_ROW as varchar), ' ' order by run_index) from runs").Out;
        Assert.Equal(Peaks(with), Peaks(without));
        // the override is part of the batch: a run reproduces without its counterfactual
        var overrides = CliProcess.Run("sql", without, "select overrides from batch").Out;
        Assert.Contains("counterfactual=false", overrides);
    }
}
