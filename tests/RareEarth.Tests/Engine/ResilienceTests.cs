using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>Resilience indicators (<see cref="ResilienceBuilder"/>) on the small world (Fixtures/small-world.yaml).</summary>
public class ResilienceTests
{
    const string BanBoth =
        "events:\n" +
        "  - {month: 2021-01, type: export_regime, country: CN, materials: [oxide, magnet], to: all, regime: ban, confrontation: true}\n" +
        "  - {month: 2022-01, type: export_regime, country: CN, materials: [oxide, magnet], to: all, regime: open, confrontation: true}\n";

    static ResilienceSummary Indicators(string extraYaml, int seed = 1)
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml", extraYaml)).Model;
        var run = SingleRun.Execute(model, seed);
        // without anything to remove, the counterfactual run is the same world: it must show no disruption
        var cf = SingleRun.Execute(model, seed, counterfactual: true);
        return ResilienceBuilder.Build(run.Totals, cf.Totals);
    }

    [Fact]
    public void AWorldWithoutEventsHasNoDisruption() => Assert.Empty(Indicators("").Disruptions);

    [Fact]
    public void ABanIsADisruptionWithASizeAndAFiniteRecovery()
    {
        var res = Indicators(BanBoth);
        var magnet = ResilienceBuilder.Main(res.Disruptions, "magnet");
        Assert.NotNull(magnet);
        Assert.Equal("2021-01", magnet!.Start);
        Assert.True(magnet.PeakSupplyLossShare > ResilienceBuilder.StartLoss, $"size {magnet.PeakSupplyLossShare}");
        Assert.True(magnet.CutTonnes > 0, $"cut {magnet.CutTonnes}");
        Assert.NotNull(magnet.RecoveryMonths);
        Assert.InRange(magnet.RecoveryMonths!.Value, 1, 47);
    }

    [Fact]
    public void LastingThriftWithNoShortageIsARecoveryNotAnEndlessDisruption()
    {
        // japan-2010: after the 2010 halt users outside China thrift Dy and Tb for good and need less; their supply stays below
        // the counterfactual's, with no shortage and prices back. Judged on supply alone, those disruptions never recovered
        // (and judged on supply to start but need to recover, every later month started a new one): on unmet supply, one
        // disruption each, recovered within the horizon
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("japan-2010.yaml")).Model;
        var res = ResilienceBuilder.Build(SingleRun.Execute(model, 1).Totals, SingleRun.Execute(model, 1, counterfactual: true).Totals);
        foreach (var mat in new[] { "dy_oxide", "tb_oxide" })
        {
            var list = res.Disruptions.Where(d => d.Material == mat).ToList();
            Assert.Single(list);
            Assert.Equal("2010-09", list[0].Start);
            Assert.True(list[0].PeakSupplyLossShare > 0.5, $"{mat}: size {list[0].PeakSupplyLossShare}");
            Assert.NotNull(list[0].RecoveryMonths);
        }
    }

    [Fact]
    public void SharesAreReportedOnlyOfANetRecoveryThatIsAFairPartOfTheGrossMovements()
    {
        // controls-2025 has a disruption of ionic-clay concentrate where ~1 t is made up from hundreds of tonnes moved in and
        // out of stocks: its shares would read as 12,906% and flatten every other bar of the chart
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml")).Model;
        var res = ResilienceBuilder.Build(SingleRun.Execute(model, 1).Totals, SingleRun.Execute(model, 1, counterfactual: true).Totals);
        Assert.Contains(res.Disruptions, d => d.Shares is null && d.RecoveryTonnes > 0);
        Assert.Contains(res.Disruptions, d => d.Shares is not null && d.Material == "ndfeb_magnet");
        foreach (var d in res.Disruptions.Where(d => d.Shares is not null))
            for (int k = 0; k < ResilienceBuilder.MechanismNames.Length; k++)
                Assert.InRange(d.Shares![k], -1 / ResilienceBuilder.MinNetShare, 1 / ResilienceBuilder.MinNetShare);
    }

    [Fact]
    public void TheMechanismsAddUpToTheRecovery()
    {
        var res = Indicators(BanBoth);
        Assert.NotEmpty(res.Disruptions);
        foreach (var d in res.Disruptions)
        {
            Assert.Equal(d.CutTonnes - d.ExtraShortageTonnes, d.RecoveryTonnes, 9);
            Assert.True(Math.Abs(d.Tonnes.Sum - d.RecoveryTonnes) <= 1e-9 * Math.Max(1, Math.Abs(d.RecoveryTonnes)), $"{d.Material} {d.Start}: {d.Tonnes.Sum} vs {d.RecoveryTonnes}");
            if (d.Shares is { } s) Assert.Equal(1.0, s.Sum, 9);
        }
        // the material balance closes: what the five named mechanisms leave is small against the recovery
        var magnet = ResilienceBuilder.Main(res.Disruptions, "magnet")!;
        Assert.True(Math.Abs(magnet.Tonnes.Other) <= 0.05 * Math.Abs(magnet.RecoveryTonnes) + 1, $"other {magnet.Tonnes.Other} of {magnet.RecoveryTonnes}");
    }

    [Fact]
    public void TheBatchKeepsTheIndicatorsOfEachFocusMaterial()
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml")).Model;
        var names = RareEarth.Runner.Batch.BatchLayout.For(model).Metrics.Select(m => m.Name).ToHashSet();
        foreach (var mat in new[] { "ndfeb_magnet", "dy_oxide" })
        {
            Assert.Contains($"resilience_size_{mat}", names);
            Assert.Contains($"resilience_recovery_months_{mat}", names);
            foreach (var k in ResilienceBuilder.MechanismColumns) Assert.Contains($"resilience_share_{k}_{mat}", names);
        }
    }
}
