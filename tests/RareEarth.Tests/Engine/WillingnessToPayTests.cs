using RareEarth.Engine.Phases;
using RareEarth.Runner;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Willingness to pay from cost shares (issue 8, item 3; docs/model.md, "Willingness to pay"): demand for a rare-earth
/// input falls slowly while it is a small share of its product's cost and steeply once it dominates it, with no ceiling.
/// </summary>
public class WillingnessToPayTests
{
    [Fact]
    public void DemandIsWholeAtTheReferenceAndFallsWithPrice()
    {
        Assert.Equal(1, WillingnessToPay.Curve(1, 0.056, 3, 0.3));
        Assert.Equal(1, WillingnessToPay.Curve(0.5, 0.056, 3, 0.3));
        double last = 1;
        foreach (var x in new[] { 1.5, 2, 4, 8, 16, 32, 64, 1000 })
        {
            double c = WillingnessToPay.Curve(x, 0.056, 3, 0.3);
            Assert.True(c < last && c > 0, $"x = {x}: {c}");
            last = c;
        }
    }

    [Fact]
    public void ALargerCostShareDestroysMoreDemand()
    {
        // Dy in a magnet (5.6% of its cost) against NdPr (40%): at the same multiple of their references, NdPr buyers cut more
        foreach (var x in new[] { 2.0, 5, 20 })
            Assert.True(WillingnessToPay.Curve(x, 0.40, 3, 0.3) < WillingnessToPay.Curve(x, 0.056, 3, 0.3));
    }

    [Fact]
    public void TheResponseSteepensAsTheInputComesToDominateCost()
    {
        // local elasticity −d ln χ / d ln x = e + η·(share of the input in cost at x): near e while the share is small, near e + η once it dominates
        static double Elasticity(double x) =>
            -(Math.Log(WillingnessToPay.Curve(x * 1.01, 0.056, 3, 0.3)) - Math.Log(WillingnessToPay.Curve(x, 0.056, 3, 0.3))) / Math.Log(1.01);
        Assert.InRange(Elasticity(1.1), 0.3, 0.6);
        Assert.InRange(Elasticity(1000), 3.0, 3.3);
    }

    [Fact]
    public void ShippedWorldsNoLongerDeclareChokeCeilings()
    {
        foreach (var scenario in new[] { "japan-2010.yaml", "controls-2025.yaml" })
        {
            var m = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario), new List<string>()).Model;
            Assert.All(m.SectorChokeMultiple, c => Assert.True(double.IsPositiveInfinity(c)));
            Assert.All(m.FirmChokeMultiple, c => Assert.True(double.IsPositiveInfinity(c)));
            Assert.All(m.SectorCostShare, c => Assert.InRange(c, 0.001, 0.5));
        }
    }
}
