using RareEarth.Reporting;
using RareEarth.Runner;
using RareEarth.Scenarios;
using SkiaSharp;

namespace RareEarth.Tests.Reporting;

/// <summary>Charts are produced by tested code: definitions from a run, and real images on disk.</summary>
public class ChartTests
{
    [Fact]
    public void RunChartsCoverPricesShortageChinaShareAndCoverage()
    {
        var path = TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: JP, regime: ban}\n");
        var rec = SingleRun.Execute(ScenarioCompiler.LoadAndCompile(path), 1);
        var charts = RunCharts.Build(rec);
        var stems = charts.Select(c => c.FileStem).ToHashSet();
        Assert.Contains("prices", stems);
        Assert.Contains("price_magnet", stems);
        Assert.Contains("shortage_magnet", stems);
        Assert.Contains("china_share_magnet", stems);
        Assert.Contains("coverage_magnet", stems);
        var shortage = charts.Single(c => c.FileStem == "shortage_magnet");
        Assert.Contains(shortage.Series, s => s.Label == "JP" && s.Values.Max() > 1);
        Assert.All(charts, c => Assert.False(string.IsNullOrWhiteSpace(c.YLabel)));
        Assert.All(charts, c => Assert.All(c.Series, s => Assert.Equal(rec.Months, s.Values.Length)));
    }

    [Fact]
    public void RendererWritesNonBlankPngAndSvg()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rareearth-tests", Guid.NewGuid().ToString("N"));
        var values = Enumerable.Range(0, 36).Select(t => 100 + 50 * Math.Sin(t / 5.0)).ToArray();
        var chart = new TimeChart("test_chart", "A test chart", "USD/kg", 2024, 1, new[]
        {
            new ChartSeries("median", values, Low: values.Select(v => v - 20).ToArray(), High: values.Select(v => v + 20).ToArray()),
            new ChartSeries("other", values.Select(v => v / 2).ToArray(), Dashed: true),
        }, 100);
        var png = ChartRenderer.Render(chart, dir);
        using var bmp = SKBitmap.Decode(png);
        Assert.Equal(ChartRenderer.Width, bmp.Width);
        Assert.Equal(ChartRenderer.Height, bmp.Height);
        var colours = new HashSet<uint>();
        for (int x = 0; x < bmp.Width; x += 7)
            for (int y = 0; y < bmp.Height; y += 7) colours.Add((uint)bmp.GetPixel(x, y));
        Assert.True(colours.Count > 10, $"only {colours.Count} colours: blank image?");
        var svg = File.ReadAllText(Path.Combine(dir, "test_chart.svg"));
        Assert.Contains("A test chart", svg);
        Assert.Contains("USD/kg", svg);
    }

    [Fact]
    public void ResilienceChartStacksEachDisruptionsMechanismsToItsRecovery()
    {
        var path = TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2021-01, type: export_regime, country: CN, materials: [oxide, magnet], to: all, regime: ban, confrontation: true}\n" +
            "  - {month: 2022-01, type: export_regime, country: CN, materials: [oxide, magnet], to: all, regime: open, confrontation: true}\n");
        var model = ScenarioCompiler.LoadAndCompile(path).Model;
        var res = RareEarth.Runner.Output.ResilienceBuilder.Build(SingleRun.Execute(model, 1).Totals, SingleRun.Counterfactual(model, 1)!.Totals);
        Assert.NotEmpty(res.Disruptions);
        var drawn = ResilienceChart.Drawn(res);
        Assert.NotEmpty(drawn);
        var seg = ResilienceChart.Segments(drawn);
        for (int i = 0; i < seg.Length; i++)
        {
            // the positive parts stacked up plus the negative ones stacked down net to the whole recovery: 100%
            double up = seg[i].Max(x => x.Top), down = seg[i].Min(x => x.Base);
            Assert.Equal(100, up + down, 6);
        }
        var dir = Path.Combine(Path.GetTempPath(), "rareearth-tests", Guid.NewGuid().ToString("N"));
        var png = ResilienceChart.Render(res, dir)!;
        using var bmp = SKBitmap.Decode(png);
        Assert.Equal(ChartRenderer.Width, bmp.Width);
        Assert.Contains("recovery", File.ReadAllText(Path.Combine(dir, "resilience.svg")));
        Assert.Null(ResilienceChart.Render(new RareEarth.Runner.Output.ResilienceSummary("", []), dir));
    }
}
