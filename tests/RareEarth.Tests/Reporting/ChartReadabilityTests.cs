using System.Text.RegularExpressions;
using RareEarth.Reporting;
using RareEarth.Runner;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Recording;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;
using RareEarth.Tests.Batch;
using ScottPlot;
using SkiaSharp;

namespace RareEarth.Tests.Reporting;

/// <summary>Issue 7, item 11: every chart answers one question and cannot mislead (one test per defect found by looking at the PNGs).</summary>
public class ChartReadabilityTests
{
    /// <summary>One run of controls-2025 (shock 2025-04), shared by the tests: about a second.</summary>
    static readonly Lazy<SeriesRecorder> Controls = new(() => SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml")), 1));
    static readonly Lazy<SeriesRecorder> Halted = new(() => SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml"), new List<string> { "events.0.regime=ban" }), 1));

    static TimeChart Chart(string stem) => RunCharts.Build(Controls.Value).Single(c => c.FileStem == stem);
    /// <summary>controls-2025 with the April licences as a halt: months in which importers buy no Dy oxide (buyers never stop bidding altogether under willingness to pay from cost shares, so the shipped run buys some every month).</summary>

    static string TempDir() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rareearth-tests", Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public void PricesAreSmallMultiplesOneMaterialPerPanel()
    {
        var r = Controls.Value;
        var prices = Chart("prices");
        Assert.NotNull(prices.Panels);
        Assert.Equal(r.Model.MaterialIds, prices.Panels!.Select(p => p.Title));
        Assert.All(prices.Panels, p => Assert.Equal(2, p.Series.Count));
        Assert.All(prices.Panels, p => Assert.Single(p.Series, s => s.Dashed));
    }

    [Fact]
    public void ChinaShareIsBlankInMonthsWithoutPurchasesAndNoImporterIsDrawnEmpty()
    {
        var r = Halted.Value;
        var m = r.Model;
        int mat = m.IndexOfMaterial("dy_oxide");
        var chart = RunCharts.Build(r).Single(c => c.FileStem == "china_share_dy_oxide");
        Assert.NotNull(chart.Panels);
        int blanks = 0;
        foreach (var panel in chart.Panels!)
        {
            int c = m.IndexOfCountry(panel.Title);
            var s = Assert.Single(panel.Series);
            Assert.Contains(s.Values, double.IsFinite);
            for (int t = 0; t < m.Months; t++)
            {
                double bought = Enumerable.Range(0, m.C).Sum(o => r.TradeAt(t, o, mat, c));
                bool purchases = bought >= RunCharts.SharePurchaseThreshold * r.At(r.Demand, t, c, mat) && r.At(r.Demand, t, c, mat) > 0;
                Assert.Equal(purchases, double.IsFinite(s.Values[t]));
                if (!purchases) blanks++;
            }
        }
        Assert.True(blanks > 0, "controls-2025 with an April halt has months where an importer buys no Dy oxide: they must be gaps, not the last share repeated");
        // an importer that never buys a material has no panel (conc_light: none of them buys it)
        Assert.DoesNotContain(RunCharts.Build(r), c => c.FileStem == "china_share_conc_light" && c.Panels is { } p && p.Any(x => x.Series.All(s => s.Values.All(double.IsNaN))));
    }

    [Fact]
    public void CoverageAxisIsCappedAndTheTitleSaysWhoIsAbove()
    {
        var chart = Chart("coverage_dy_oxide");
        Assert.Equal(RunCharts.CoverageCapMonths, chart.YMax);
        Assert.Contains("capped at 36 months", chart.Title);
        Assert.Contains("US up to", chart.Title);
        var plt = ChartRenderer.Build(chart);
        Assert.True(plt.Axes.GetLimits().Top < 40, $"y axis reaches {plt.Axes.GetLimits().Top}");
    }

    [Fact]
    public void ShortMonthsOfShortageAreShownInAWindowWithMarkers()
    {
        // controls-2025 with a 3-month halt of magnets from April 2025: a few months of shortage on a 12-year axis
        var halt = SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml"),
            new[] { "events.0.regime=ban", "events.1.month=2025-07", "events.1.regime=open", "events.2.regime=open" }), 1);
        var chart = RunCharts.Build(halt).Single(c => c.FileStem == "shortage_ndfeb_magnet");
        Assert.NotNull(chart.Window);
        var (from, to) = chart.Window!.Value;
        Assert.True(to - from <= 24, $"window {from}..{to}");
        Assert.InRange(halt.Model.ShockMonth, from, to);
        Assert.All(chart.Series, s => Assert.True(s.Markers));
        Assert.All(chart.Series, s => Assert.All(s.Values.Where((v, t) => t < from || t > to), v => Assert.Equal(0, v)));
        var plt = ChartRenderer.Build(chart);
        Assert.Contains(plt.GetPlottables(), p => p is ScottPlot.Plottables.Markers);
    }

    [Fact]
    public void EveryTimeChartOfAShockScenarioMarksTheShockMonth()
    {
        var r = Controls.Value;
        var charts = RunCharts.Build(r);
        Assert.All(charts, c => Assert.Equal(r.Model.ShockMonth, c.ShockMonth));
        var price = charts.Single(c => c.FileStem == "price_dy_oxide");
        var line = Assert.Single(ChartRenderer.Build(price).GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>());
        Assert.Equal(price.Date(r.Model.ShockMonth).ToOADate(), line.X);
        Assert.All(ChartRenderer.PanelPlots(charts.Single(c => c.FileStem == "prices")),
            p => Assert.Single(p.GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>()));
    }

    [Fact]
    public void TheLegendIsOutsideTheData()
    {
        var plt = ChartRenderer.Build(Chart("coverage_dy_oxide"));
        Assert.False(plt.Legend.IsVisible, "a legend inside the data area covers lines");
        Assert.Contains(plt.Axes.GetPanels(), p => p is ScottPlot.Panels.LegendPanel);
    }

    [Fact]
    public void NumbersUseSiPrefixesUnitsAndPercentagesNeverExponents()
    {
        Assert.Equal("75.2 bn USD", ChartFormat.Format(7.519e10, "USD"));
        Assert.Equal("213 M USD", ChartFormat.Format(2.13e8, "USD"));
        Assert.Equal("12.5 kt", ChartFormat.Format(12_500, "t"));
        Assert.Equal("69,328", ChartFormat.Number(69_328));
        Assert.Equal("0.00005", ChartFormat.Number(5e-5));
        var usd = ChartFormat.Ticks(0, 8e10, "USD");
        Assert.Equal("80 bn USD", usd(8e10));
        Assert.Equal("0", usd(0));
        Assert.Equal("0.034%", ChartFormat.Ticks(0, 0.036, "%")(0.034));
        foreach (var v in new[] { 8e10, 5e-5, 1.23e-7, 7.519e10, 3e12 })
            Assert.DoesNotContain("E", ChartFormat.Ticks(0, v, "USD")(v));
    }

    [Fact]
    public void SweepTitlesComeFromTheMetricDefinitionAndSharesBecomePercentages()
    {
        var (title, scale, unit) = BatchReport.MetricChartText("ShortageShare", "ndfeb_magnet", "EU", "share", "");
        Assert.Equal("EU ndfeb_magnet: demand left unmet over the horizon", title);
        Assert.Equal((100.0, "%"), (scale, unit));
        Assert.Equal("Cost of the confrontation to CN", BatchReport.MetricChartText("TotalCost", null, "CN", "USD", "").Title);
        Assert.DoesNotContain("_", BatchReport.MetricChartText("PeakPriceMultiple", "dy_oxide", "ROW", "x baseline", "").Title.Replace("dy_oxide", ""));
    }

    [Fact]
    public void CostsAreDrawnAsOnePanelPerCountryOnItsOwnScale()
    {
        var dir = TempDir();
        var q = new[] { new[] { 7e10, 7.5e10, 8e10 }, new[] { 1e8, 2e8, 3e8 } };
        var png = BatchCharts.PanelBars(dir, "costs", "costs", "USD", new[] { "cost to CN", "cost to VN" }, new[] { "A", "B" }, new[] { q, q });
        using var bmp = SKBitmap.Decode(png);
        Assert.Equal(ChartCanvas.Width, bmp.Width);
        var svg = File.ReadAllText(Path.Combine(dir, "costs.svg"));
        Assert.Contains("75 bn USD", svg);
        Assert.Contains("200 M USD", svg);
        Assert.DoesNotContain("E+", svg);
    }

    [Fact]
    public void ShippedFontDrawsTheTextWithoutAnySystemFont()
    {
        // the charts ask for a name no system font has: only the shipped (embedded) font answers
        Assert.DoesNotContain(ChartFonts.Name, SKFontManager.Default.FontFamilies);
        ChartFonts.Register();
        Assert.Equal("DejaVu Sans", Fonts.GetTypeface(ChartFonts.Name, false, false).FamilyName);
        Assert.Equal(SKFontStyleWeight.Bold, (SKFontStyleWeight)Fonts.GetTypeface(ChartFonts.Name, true, false).FontStyle.Weight);
        Assert.Equal(ChartFonts.Name, Fonts.Default);
        var chart = new TimeChart("font", "WWWWWWWWWWWWWWWWWWWW", "USD/kg", 2024, 1, new[] { new ChartSeries("a", new double[] { 1, 2, 3 }) });
        var plt = ChartRenderer.Build(chart);
        Assert.Equal(ChartFonts.Name, plt.Axes.Title.Label.FontName);
        using var bmp = SKBitmap.Decode(plt.GetImage(ChartCanvas.Width, ChartCanvas.Height).GetImageBytes());
        int dark = 0;
        for (int x = 0; x < bmp.Width; x++)
            for (int y = 0; y < 40; y++)
                if (bmp.GetPixel(x, y).Red < 100) dark++;
        Assert.True(dark > 500, $"{dark} dark pixels in the title area: no text drawn?");
    }
}

/// <summary>Fans that are zero in every run and month are not drawn; report.md names them.</summary>
[Collection("batch")]
public class ZeroFanTests
{
    [Fact]
    public void ZeroFansAreSkippedAndNamed()
    {
        Assert.True(BatchReport.AllZero(new[] { new[] { 0.0, double.NaN }, new[] { 0.0, 0.0 } }));
        Assert.False(BatchReport.AllZero(new[] { new[] { 0.0, 1e-6 } }));
        var db = BatchKit.RunSampled(DesignKind.LatinHypercube, 6, 3, 2, BatchKit.Short);
        var dir = Path.Combine(Path.GetDirectoryName(db)!, "report");
        string md;
        using (var store = BatchStore.Open(db, readOnly: true)) md = File.ReadAllText(BatchReport.Write(store, dir, null).ReportPath);
        var line = md.Split('\n').Single(l => l.StartsWith("Not drawn, because they are zero", StringComparison.Ordinal));
        Assert.Contains("dy_oxide: shortage", line);
        var links = Regex.Matches(md, @"\]\((charts/[^)]+\.png)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.All(links, l => Assert.True(File.Exists(Path.Combine(dir, l)), l));
        Assert.DoesNotContain(links, l => l.Contains("fan_shortage_US_dy_oxide", StringComparison.Ordinal));
    }
}
