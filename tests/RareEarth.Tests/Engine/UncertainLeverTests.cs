using RareEarth.Runner;
using RareEarth.Runner.Recording;
using RareEarth.Runner.Sampling;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Every parameter a shipped scenario declares uncertain must matter: moving it between the ends of its
/// range (5% and 95% quantiles) changes at least one recorded output. A parameter that moves nothing makes
/// every sensitivity analysis report zero for it, which reads as a finding when it is a defect.
/// </summary>
public class UncertainLeverTests
{
    public static IEnumerable<object[]> Parameters()
    {
        foreach (var file in TestPaths.ShippedScenarios)
        {
            var compiled = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(file));
            foreach (var p in compiled.Uncertain) yield return new object[] { file, p.Path };
        }
    }

    [Theory]
    [MemberData(nameof(Parameters))]
    public void MovesAtLeastOneRecordedOutput(string scenario, string path)
    {
        var path0 = TestPaths.Scenario(scenario);
        var p = ScenarioCompiler.LoadAndCompile(path0).Uncertain.Single(u => u.Path == path);
        var dist = UncertainSampler.DistributionOf(p);
        var low = Run(path0, path, dist.Quantile(0.05));
        var high = Run(path0, path, dist.Quantile(0.95));
        double moved = new[]
        {
            MaxRelativeDifference(low.Price, high.Price), MaxRelativeDifference(low.Shortage, high.Shortage),
            MaxRelativeDifference(low.Trade, high.Trade), MaxRelativeDifference(low.Consumption, high.Consumption),
            MaxRelativeDifference(low.Capacity, high.Capacity), MaxRelativeDifference(low.Losses, high.Losses),
        }.Max();
        Assert.True(moved > 1e-6, $"{scenario}: {path} between {dist.Quantile(0.05):G4} and {dist.Quantile(0.95):G4} changes no recorded output");
    }

    static SeriesRecorder Run(string scenario, string path, double value) =>
        SingleRun.Execute(ScenarioCompiler.LoadAndCompile(scenario, new[] { $"{path}={UncertainSampler.Format(value)}" }), 1);

    static double MaxRelativeDifference(double[] a, double[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(1e-9, Math.Max(Math.Abs(a[i]), Math.Abs(b[i]))));
        return worst;
    }
}
