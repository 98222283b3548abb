using RareEarth.Engine;
using RareEarth.Reporting;
using RareEarth.Runner;
using RareEarth.Runner.Calibration;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Calibration;

/// <summary>The calibration's lightweight recorder reads history series exactly as the history command does.</summary>
public class TargetRecorderTests
{
    [Fact]
    public void ValuesEqualTheHistoryCommandsModelValues()
    {
        var compiled = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("japan-2010.yaml"));
        var keys = new[]
        {
            new SeriesKey("price", "dy_oxide", "ROW", ""), new SeriesKey("price", "ndpr_oxide", "CN", ""),
            new SeriesKey("imports", "reo", "JP", "CN"), new SeriesKey("exports", "ndfeb_magnet", "CN", ""), new SeriesKey("imports", "dy_oxide", "JP", ""),
        };
        var bound = keys.Select(k => BoundSeries.Bind(compiled.Model, k).Series!).ToList();
        var rec = new TargetRecorder(bound, compiled.Model.Months);
        Simulation.Run(new WorldState(compiled.Model, 3), rec);
        var full = SingleRun.Execute(compiled, 3);
        for (int k = 0; k < keys.Length; k++)
            for (int t = 0; t < compiled.Model.Months; t++)
            {
                var h = new HistoryPoint(compiled.Model.MonthLabel(t), keys[k].Metric, keys[k].Material, keys[k].Country, keys[k].Partner, 0, "", "", "");
                Assert.Equal(HistoryComparison.ModelValue(full, h, t), rec.Values[k][t], 9);
            }
        Assert.Contains("not in the scenario", BoundSeries.Bind(compiled.Model, new SeriesKey("price", "unobtainium", "ROW", "")).Problem);
    }
}
