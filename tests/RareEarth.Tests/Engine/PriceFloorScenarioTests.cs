using RareEarth.Runner;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>The DoD-MP NdPr price floor ships in controls-2025 and has a fiscal cost.</summary>
public class PriceFloorScenarioTests
{
    [Fact]
    public void Controls2025ShipsTheUsNdprFloorAndItCostsTheUsTreasury()
    {
        var path = TestPaths.Scenario("controls-2025.yaml");
        var compiled = ScenarioCompiler.LoadAndCompile(path);
        var m = compiled.Model;
        int us = m.IndexOfCountry("US"), ndpr = m.IndexOfMaterial("ndpr_oxide");
        int floor = Array.FindIndex(m.FloorCountry, c => c == us);
        Assert.True(floor >= 0, "controls-2025 has no US price floor");
        Assert.Equal(ndpr, m.FloorMaterial[floor]);
        Assert.Equal(110, m.FloorPrice[floor]);

        var with = SingleRun.Execute(compiled, 1);
        var without = SingleRun.Execute(ScenarioCompiler.LoadAndCompile(path, new[] { "price_floors={}" }), 1);
        double Fiscal(RareEarth.Runner.Recording.SeriesRecorder r) => Enumerable.Range(0, r.Months).Sum(t => r.FiscalCost[t * m.C + us]);
        double topUps = Fiscal(with) - Fiscal(without);
        // MP sells a few thousand t of NdPr a year below 110 USD/kg: top-ups of tens to hundreds of millions a year
        Assert.InRange(topUps / 1e9, 0.05, 5);
    }
}
