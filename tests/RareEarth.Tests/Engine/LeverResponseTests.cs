using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Issue 8's lever tests on controls-2025 (to 2028-12): the outside Dy peak must follow the size and the length of
/// the shock. Willingness to pay comes from cost shares (docs/model.md, "Willingness to pay") and has no ceiling, so a
/// longer halt keeps raising the peak (before, with choke multiples: 1.8, 7.0, 7.1, 7.1x), and the peaks stay far below
/// the auction's ceiling (seed 1: 1.36, 11.7, 16.6, 19.3x for halts of 1, 3, 6, 12 months; approval rates 0.75, 0.5,
/// 0.25, 0: 1.41, 1.67, 2.69, 7.93x).
/// </summary>
public class LeverResponseTests
{
    static double DyPeak(params string[] sets)
    {
        var compiled = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml"), sets.Append("end=2028-12").ToList());
        var rec = SingleRun.Execute(compiled, 1);
        var summary = SummaryBuilder.Build(rec, compiled.Name, 1, "");
        return summary.Prices.Single(p => p.Material == "dy_oxide" && p.Region == "ROW").PeakMultiple;
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
        // each longer halt raises the peak clearly (no ceiling), and none comes near the auction's ceiling of 100x
        for (int i = 1; i < peaks.Length; i++)
            Assert.True(peaks[i] > 1.05 * peaks[i - 1], $"halts of 1, 3, 6, 12 months: Dy peaks {all}");
        Assert.True(peaks[^1] < 50, $"halts of 1, 3, 6, 12 months: Dy peaks {all}");
    }
}
