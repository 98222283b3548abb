using RareEarth.Reporting;
using RareEarth.Runner;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Reporting;

/// <summary>The validation charts and tables in docs/validation are made by this code.</summary>
public class HistoryComparisonTests
{
    [Fact]
    public void ComparesModelSeriesWithHistoryPoints()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rareearth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var csv = Path.Combine(dir, "history.csv");
        File.WriteAllLines(csv, new[]
        {
            "month,metric,material,country,partner,value,unit,use,source",
            "2020-06,price,magnet,ROW,,50,USD/kg,calibration,\"test, with comma\"",
            "2021-03,price,magnet,ROW,,100,USD/kg,validation,test",
            "2021-03,imports,magnet,US,CN,500,t,validation,test",
            "2021-03,exports,magnet,CN,,700,t,validation,test",
        });
        var points = HistoryComparison.Read(csv);
        Assert.Equal(4, points.Count);
        Assert.Equal("test, with comma", points[0].Source);
        var rec = SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Fixture("small-world.yaml")), 1);
        int cn = rec.Model.IndexOfCountry("CN"), us = rec.Model.IndexOfCountry("US"), mag = rec.Model.IndexOfMaterial("magnet");
        Assert.Equal(rec.PriceAt(14, mag, 1), HistoryComparison.ModelValue(rec, points[1], 14));
        Assert.Equal(rec.TradeAt(14, cn, mag, us), HistoryComparison.ModelValue(rec, points[2], 14));
        Assert.Equal(rec.Exports(14, cn, mag), HistoryComparison.ModelValue(rec, points[3], 14));
        var table = HistoryComparison.Write(rec, points, dir, "test");
        Assert.Contains("| price_magnet_ROW | 2021-03 | 100 USD/kg |", table);
        Assert.True(File.Exists(Path.Combine(dir, "history_price_magnet_ROW.png")));
        Assert.True(File.Exists(Path.Combine(dir, "history_imports_magnet_US_from_CN.svg")));
    }

    [Fact]
    public void MalformedHistoryIsRejectedWithFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-history-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, new[] { "month,metric,material,country,partner,value,unit,use,source", "2020-01,price,magnet,ROW,,abc,USD/kg,validation,x" });
        var e = Assert.Throws<FormatException>(() => HistoryComparison.Read(path));
        Assert.Contains(":2:", e.Message);
        Assert.Contains("'abc'", e.Message);
    }
}
