using RareEarth.Runner;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>Mechanisms on a small world (Fixtures/small-world.yaml): each effect must emerge from the agents.</summary>
public class MechanismTests
{
    static SeriesRecorder Run(string extraYaml, int seed = 1) =>
        SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml", extraYaml)), seed);

    const string BanJapan =
        "events:\n" +
        "  - {month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: JP, regime: ban, confrontation: true}\n";

    static int Idx(SeriesRecorder r, string country) => r.Model.IndexOfCountry(country);
    static int Mat(SeriesRecorder r, string material) => r.Model.IndexOfMaterial(material);

    [Fact]
    public void BanOnOneImporterRaisesItsOwnPriceAndShortageOnlyOnceStocksRunOut()
    {
        var quiet = Run("");
        var ban = Run(BanJapan);
        int mag = Mat(ban, "magnet"), jp = Idx(ban, "JP"), t0 = 12;
        // before the ban both worlds are identical
        for (int t = 0; t < t0; t++) Assert.Equal(quiet.PriceAt(t, mag, 1), ban.PriceAt(t, mag, 1));
        // Japan's own price rises above the Chinese domestic price and above the no-ban world (markets per country)
        double peakJapan = Enumerable.Range(t0, 12).Max(t => ban.CountryPriceSeries(mag, jp)[t]);
        double peakInside = Enumerable.Range(t0, 12).Max(t => ban.PriceAt(t, mag, 0));
        Assert.True(peakJapan > 1.3 * peakInside, $"Japan {peakJapan} vs inside {peakInside}");
        Assert.True(peakJapan > 1.3 * Enumerable.Range(t0, 12).Max(t => quiet.CountryPriceSeries(mag, jp)[t]));
        // Japan runs short only after its stocks are drawn down: never in the ban's first month,
        // and the first short month starts with less than a month of need in stock
        int firstShort = Enumerable.Range(t0, ban.Months - t0).First(t => ban.At(ban.Shortage, t, jp, mag) > 0.01 * ban.At(ban.Demand, t, jp, mag));
        Assert.True(firstShort > t0, $"shortage began in the ban's first month {ban.Model.MonthLabel(firstShort)}");
        double stockBefore = ban.At(ban.Inventory, firstShort - 1, jp, mag);
        double stockAtBan = ban.At(ban.Inventory, t0 - 1, jp, mag);
        Assert.True(stockBefore < 0.5 * stockAtBan, $"stock before first shortage {stockBefore} vs at ban {stockAtBan}");
        for (int t = 0; t < t0; t++) Assert.True(ban.At(ban.Shortage, t, jp, mag) <= 1e-9);
        Assert.True(Enumerable.Range(t0, 24).Sum(t => ban.At(ban.Shortage, t, jp, mag)) > 100);
    }

    [Fact]
    public void LiftingAControlBringsPricesBackDown()
    {
        var r = Run(BanJapan + "  - {month: 2022-01, type: export_regime, country: CN, materials: [magnet], to: JP, regime: open}\n");
        int mag = Mat(r, "magnet"), jp = Idx(r, "JP");
        var japan = r.CountryPriceSeries(mag, jp);
        double before = japan[11];
        double peak = Enumerable.Range(12, 12).Max(t => japan[t]);
        double after = Enumerable.Range(r.Months - 12, 12).Average(t => japan[t]);
        Assert.True(peak > 1.3 * before);
        Assert.True(after < 0.8 * peak, $"after {after} vs peak {peak}");
        Assert.InRange(after / before, 0.7, 1.3);
        // Japan's price rejoins the outside price, and the regional prices converge again once exports flow
        Assert.Equal(r.PriceAt(r.Months - 1, mag, 1), japan[r.Months - 1]);
        Assert.InRange(r.PriceAt(r.Months - 1, mag, 1) / r.PriceAt(r.Months - 1, mag, 0), 0.95, 1.05);
    }

    [Fact]
    public void PriceFloorBringsCapacityOnlineOnlyAfterItsLeadTime()
    {
        const int start = 12, lead = 24;
        var none = Run("");
        var floor = Run("""
            price_floors:
              us_floor: {country: US, firm: us_sep, material: oxide, price: 150, start: 2021-01}
            """);
        int f = Array.IndexOf(floor.Model.FirmIds, "us_sep");
        int F = floor.Model.F;
        Assert.All(Enumerable.Range(0, none.Months), t => Assert.Equal(0, none.Capacity[t * F + f]));
        // decided in the floor's first month, the first project can only arrive after its lead time
        for (int t = 0; t <= start + lead; t++) Assert.Equal(0, floor.Capacity[t * F + f]);
        Assert.True(floor.Capacity[(start + lead + 8) * F + f] > 0);
        Assert.True(floor.Capacity[(floor.Months - 1) * F + f] > 500);
        // and the government pays for it
        int us = floor.Model.IndexOfCountry("US");
        Assert.True(Enumerable.Range(0, floor.Months).Sum(t => floor.FiscalCost[t * floor.Model.C + us]) > 0);
    }

    [Fact]
    public void SubstitutionResearchLowersDemandOverTime()
    {
        const string subst = "sectors:\n  JP_use: {substitution: {max_share: 0.4, rate: 0.05, half: 1.0, lag_months: 12}}\n";
        var without = Run(BanJapan);
        var with = Run(BanJapan + subst);
        int jp = Idx(with, "JP"), mag = Mat(with, "magnet");
        double early = with.At(with.Demand, 12, jp, mag), late = with.At(with.Demand, with.Months - 1, jp, mag);
        Assert.Equal(without.At(without.Demand, 12, jp, mag), early, 6);
        Assert.True(late < 0.85 * without.At(without.Demand, without.Months - 1, jp, mag), $"late {late}");
        Assert.True(late < early, "demand falls over time as rare-earth-free designs are adopted");
    }

    [Fact]
    public void ThriftingResearchLowersInputIntensity()
    {
        var funded = Run("""
            firms:
              jp_magnets: {rnd: {rate: 0, half: 5, max_thrift: 0.5, lag_months: 6}}
            events:
              - {month: 2021-01, type: rnd_funding, country: JP, firms: 10}
            """);
        var plain = Run("""
            firms:
              jp_magnets: {rnd: {rate: 0, half: 5, max_thrift: 0.5, lag_months: 6}}
            """);
        int jp = Idx(funded, "JP"), ox = Mat(funded, "oxide");
        int f = Array.IndexOf(funded.Model.FirmIds, "jp_magnets"), F = funded.Model.F;
        int T = funded.Months - 1;
        double perMagnetFunded = funded.At(funded.Consumption, T, jp, ox) / funded.Activity[T * F + f];
        double perMagnetPlain = plain.At(plain.Consumption, T, jp, ox) / plain.Activity[T * F + f];
        Assert.True(perMagnetFunded < 0.7 * perMagnetPlain, $"{perMagnetFunded} vs {perMagnetPlain}");
    }
}

/// <summary>Licence queues: which month's applications a licence approves.</summary>
public class LicenceQueueTests
{
    [Theory]
    [InlineData(0, 1)]   // no delay: the latest applications, filed last month (this month's are filed after the allowance is set)
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    public void ApprovesTheApplicationsFiledDelayMonthsEarlier(int delay, int lag)
    {
        // a ban from 2020-07 drains Japan's stocks, so its monthly applications change from month to month;
        // the licence (approval 0.5, almost no noise) replaces it in 2021-01
        var path = TestPaths.Variant("small-world.yaml",
            "behaviour: {approval_concentration: 100000}\n" +
            "events:\n" +
            "  - {month: 2020-07, type: export_regime, country: CN, materials: [magnet], to: JP, regime: ban, confrontation: true}\n" +
            $"  - {{month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: JP, regime: licence, approval: 0.5, delay: {delay}}}\n");
        var model = ScenarioCompiler.LoadAndCompile(path).Model;
        var s = new RareEarth.Engine.WorldState(model, 1);
        int mag = model.IndexOfMaterial("magnet"), jp = model.IndexOfCountry("JP"), M = model.M, C = model.C;
        var filed = new List<double>();
        double distinct = 0;
        for (int t = 0; t < 30; t++)
        {
            RareEarth.Engine.Simulation.Step(s);
            int month = t;
            filed.Add(s.DesiredHistory[(jp * M + mag) * 12 + month % 12]);
            if (month < 12 + delay) continue;
            double expected = 0.5 * filed[month - lag];
            Assert.InRange(s.Allowance[mag * C + jp], 0.97 * expected, 1.03 * expected);
            distinct = Math.Max(distinct, Math.Abs(filed[month - lag] - filed[month - 12]) / Math.Max(1e-9, filed[month - lag]));
        }
        // the applications of `lag` and of 12 months earlier differ, so the test tells the two apart
        Assert.True(distinct > 0.05, $"applications barely change ({distinct:P1}): the test cannot tell the lags apart");
    }
}
