using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Issue 8's lever tests on controls-2025 with its hand-set parameters (scenarios/hand-set/, to 2028-12: a mechanism
/// test, so it does not move each time the calibration is re-run on a changed model): the European Dy peak (the EU's market: Rotterdam quotes are
/// European prices; with markets per country, countries cut off beyond what they can reroute trade at their own
/// price, so "outside China" is no longer one price) must follow the size and the length of the shock. Willingness to
/// pay comes from cost shares (docs/model.md) and has no assumed ceiling. Seed 1: approval rates 0.75, 0.5, 0.25, 0:
/// 1.17, 1.35, 2.41, 6.28x; halts of 1, 3, 6, 12 months: 1.17, 4.95, 13.6, 13.8x (measured 2026-12-03). Once the EU's stocks are gone, its
/// market clears its few tonnes (recycling, production outside China) against buyers who weigh the price against what
/// they have come to expect in their own market: the longer the halt, the higher the price climbs.
/// </summary>
public class LeverResponseTests
{
    static double DyPeak(params string[] sets)
    {
        var compiled = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("hand-set/controls-2025.yaml"), sets.Append("end=2028-12").ToList());
        var rec = SingleRun.Execute(compiled, 1);
        var summary = SummaryBuilder.Build(rec, compiled.Name, 1, "");
        // the EU's own market when it split off, else the outside-China price it then paid
        return (summary.Prices.SingleOrDefault(p => p.Material == "dy_oxide" && p.Region == "EU")
                ?? summary.Prices.Single(p => p.Material == "dy_oxide" && p.Region == "ROW")).PeakMultiple;
    }

    [Fact]
    public void OutsideDyPeakRisesAsTheAprilApprovalRateFalls()
    {
        // the April licence regime stays in force for 12 months: the later relaxations move to 2026
        var peaks = new[] { 0.75, 0.5, 0.25, 0 }
            .Select(a => DyPeak($"events.0.approval={a}", "events.1.month=2026-04", "events.2.month=2026-05")).ToArray();
        for (int i = 1; i < peaks.Length; i++)
            Assert.True(peaks[i] > peaks[i - 1], $"approval 0.75, 0.5, 0.25, 0: Dy peaks {string.Join(", ", peaks.Select(p => p.ToString("F2")))}");
    }

    [Fact]
    public void OutsideDyPeakRisesAsTheHaltLengthens()
    {
        // a ban from 2025-04, lifted after 1, 3, 6 or 12 months
        var ends = new[] { "2025-05", "2025-07", "2025-10", "2026-04" };
        var peaks = ends.Select(end => DyPeak("events.0.regime=ban", $"events.1.month={end}", "events.1.regime=open",
            "events.2.month=2028-01", "events.2.regime=open")).ToArray();
        string all = string.Join(", ", peaks.Select(p => p.ToString("F2")));
        // each longer halt raises the peak: while the EU's own market stays short, its buyers come to expect its price
        // and stop deferring purchases, so the price keeps climbing until the halt ends. Beyond six months it climbs
        // slowly (measured 13.6x -> 13.8x): the EU's few tonnes then clear near where its magnet makers' willingness to
        // pay ends (the value of the magnets a kg makes), which rises only with the EU's own magnet price.
        for (int i = 1; i < peaks.Length; i++)
            Assert.True(peaks[i] > 1.01 * peaks[i - 1], $"halts of 1, 3, 6, 12 months: Dy peaks {all}");
        Assert.True(peaks[^1] < 50, $"halts of 1, 3, 6, 12 months: Dy peaks {all}");
    }
}
