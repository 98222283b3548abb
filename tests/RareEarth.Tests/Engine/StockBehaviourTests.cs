using RareEarth.Runner;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Stocks in a disruption and the price reported for outside China (docs/model.md, "Bids" and "Markets per country"):
/// strategic stockpiles sell into a price spike before users run short, buyers draw their own stocks rather than bid
/// a multiple of the normal price, and the reported outside-China price weighs each country's market by its need.
/// </summary>
public class StockBehaviourTests
{
    static SeriesRecorder Run(string scenario, params string[] sets) =>
        SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario), sets.ToList()).Model, 1);

    static readonly Lazy<SeriesRecorder> Ban = new(() => Run("what-if/japan-ban-2026.yaml", "end=2027-01"));

    static int Month(SeriesRecorder r, string label) => Enumerable.Range(0, r.Months).Single(t => r.Model.MonthLabel(t) == label);

    [Fact]
    public void TheOutsidePriceIsTheNeedWeightedMeanOfTheOutsideMarkets()
    {
        var run = Ban.Value;
        var m = run.Model;
        int dy = m.IndexOfMaterial("dy_oxide"), jp = m.IndexOfCountry("JP");
        var outside = Enumerable.Range(0, m.C).Where(c => m.CountryRegion[c] == 1).ToArray();
        bool above = false;
        for (int t = 0; t < run.Months; t++)
        {
            double lo = outside.Min(c => run.CountryPriceSeries(dy, c)[t]), hi = outside.Max(c => run.CountryPriceSeries(dy, c)[t]);
            double p = run.PriceAt(t, dy, 1);
            Assert.InRange(p, lo * (1 - 1e-12), hi * (1 + 1e-12));
            // no market of its own anywhere: the reported price is the pooled one
            if (hi == lo) Assert.Equal(run.PoolPriceAt(t, dy), p, 9);
            above |= run.CountryPriceSeries(dy, jp)[t] > 2 * run.PoolPriceAt(t, dy) && p > 1.05 * run.PoolPriceAt(t, dy);
        }
        // Japan, cut off, pays far more than the pool in some month, and the reported outside price shows it
        Assert.True(above, "Japan's own Dy market never lifted the reported outside-China price above the pooled one");
    }

    [Fact]
    public void AStrategicStockpileSellsIntoAPriceSpikeBeforeItsUsersRunShort()
    {
        var with = Ban.Value;
        var without = Run("what-if/japan-ban-2026.yaml", "end=2027-01", "countries.JP.stockpiles.dy_oxide.release_price_multiple=0");
        var m = with.Model;
        int dy = m.IndexOfMaterial("dy_oxide"), jp = m.IndexOfCountry("JP");
        int ban = Month(with, "2026-01");
        int FirstShort(SeriesRecorder r) => Enumerable.Range(ban, r.Months - ban)
            .FirstOrDefault(t => r.At(r.Shortage, t, jp, dy) > 0.05 * r.At(r.Demand, t, jp, dy), r.Months);
        int FirstRelease(SeriesRecorder r) => Enumerable.Range(ban, r.Months - ban)
            .FirstOrDefault(t => r.At(r.StockpileRelease, t, jp, dy) > 0, r.Months);
        // with the price trigger the agency releases before Japan's users run short, and the shortage comes later
        Assert.True(FirstRelease(with) < FirstShort(with), $"release from month {FirstRelease(with) - ban}, shortage from {FirstShort(with) - ban}");
        Assert.True(FirstShort(with) > FirstShort(without), $"shortage from month {FirstShort(with) - ban} with the price trigger, {FirstShort(without) - ban} without");
        // and the Dy price in Japan's own market over the first half of the ban is lower
        double Mean(SeriesRecorder r) => Enumerable.Range(ban, 6).Average(t => r.CountryPriceSeries(dy, jp)[t]);
        Assert.True(Mean(with) < 0.8 * Mean(without), $"Japan's Dy price, first 6 months: {Mean(with):F0} with, {Mean(without):F0} USD/kg without the release");
    }

    [Fact]
    public void BuyersHoldingStockDoNotBidAMultipleOfTheNormalPriceInTheFirstMonthOfACutOff()
    {
        // controls-2025 (hand-set): every destination loses Chinese magnets in April 2025 (licences take a month). The
        // rest of the world holds about a month of stock: it draws on it instead of bidding its full use at any price.
        var run = Run("hand-set/controls-2025.yaml", "end=2026-12");
        var m = run.Model;
        int mag = m.IndexOfMaterial("ndfeb_magnet"), zz = m.IndexOfCountry("ZZ");
        int shock = Month(run, "2025-04");
        double jump = run.CountryPriceSeries(mag, zz)[shock] / run.CountryPriceSeries(mag, zz)[shock - 1];
        Assert.True(jump < 10, $"the rest of the world's magnet price rose {jump:F1}x in the first month of the controls");
        Assert.True(run.At(run.Inventory, shock, zz, mag) < 0.5 * run.At(run.Inventory, shock - 1, zz, mag), "its stocks were not drawn down");
    }
}
