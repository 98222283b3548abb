using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Firms that are firms, on the small world (Fixtures/small-world.yaml): mothballing below cash cost, restart when
/// prices recover, exit when cash and credit run out, unreported mining on price and enforcement, and a state reserve
/// that buys low and sells high. Each effect comes out of the agents' rules; nothing is scheduled.
/// </summary>
public class FirmDecisionTests
{
    static SeriesRecorder Run(string extraYaml, int seed = 1) =>
        SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml", extraYaml)), seed);

    static int Firm(SeriesRecorder r, string id) => Array.IndexOf(r.Model.FirmIds, id);
    static double Cap(SeriesRecorder r, int t, int f) => r.Capacity[t * r.Model.F + f];
    static double Idle(SeriesRecorder r, int t, int f) => r.Mothballed[t * r.Model.F + f];
    static double Act(SeriesRecorder r, int t, int f) => r.Activity[t * r.Model.F + f];

    // a US magnet maker that covers its cash cost at reference prices: (50 - 0.35 x 50 - 26) / 43.5 = +15%
    const string UsMagnets =
        "firms:\n" +
        "  us_magnets: {country: US, process: make_magnet, capacity: 5000, unit_cost: 30, cash_cost: 26, utilisation: 0.8}\n";

    // magnet demand falls by half a year everywhere: prices fall below the US maker's cash cost
    const string FallingDemand =
        "sectors:\n" +
        "  CN_use: {growth: -0.5}\n  JP_use: {growth: -0.5}\n  US_use: {growth: -0.5}\n";

    [Fact]
    public void AFirmMothballsOnlyAfterMonthsBelowCashCost()
    {
        var quiet = Run(UsMagnets);
        int f = Firm(quiet, "us_magnets");
        Assert.All(Enumerable.Range(0, quiet.Months), t => Assert.Equal(0, Idle(quiet, t, f)));

        var slump = Run(UsMagnets + FallingDemand);
        int first = Enumerable.Range(0, slump.Months).First(t => Idle(slump, t, f) > 0);
        int mag = slump.Model.IndexOfMaterial("magnet");
        Assert.True(slump.PriceAt(first, mag, 1) < 0.85 * slump.PriceAt(0, mag, 1), "mothballed before prices fell");
        // it waits mothball_after_months (6) below cash cost first, and mothballed capacity leaves its active capacity
        Assert.True(first >= 6, $"mothballed in month {first}");
        Assert.True(Cap(slump, first, f) + Idle(slump, first, f) <= 5000 + 1e-6);
        Assert.True(Cap(slump, slump.Months - 1, f) < 0.5 * 5000);
        Assert.Single(SummaryBuilder.Fates(slump), x => x.Firm == "us_magnets" && x.ExitMonth is null);
    }

    // a US magnet maker below cash cost at reference prices: (50 - 17.5 - 40) / 57.5 = -13%
    const string DearUsMagnets =
        "firms:\n" +
        "  us_magnets: {country: US, process: make_magnet, capacity: 5000, unit_cost: 44, cash_cost: 40, utilisation: 0.5}\n";

    [Fact]
    public void MothballedCapacityRestartsWithALagWhenPricesRecover()
    {
        // from 2022-01 China bans magnet exports to the US: the US price rises and the maker restarts
        var r = Run(DearUsMagnets +
                    "events:\n  - {month: 2022-01, type: export_regime, country: CN, materials: [magnet], to: [US, JP], regime: ban, confrontation: true}\n");
        int f = Firm(r, "us_magnets"), ban = 24;
        Assert.True(Idle(r, ban - 1, f) > 1000, $"mothballed before the ban: {Idle(r, ban - 1, f)}");
        int restart = Enumerable.Range(ban, r.Months - ban).First(t => Idle(r, t, f) == 0);
        double before = Cap(r, restart, f);
        // back after restart_lead_months (6), not at once
        Assert.True(Cap(r, restart + 3, f) <= before + 1e-6);
        Assert.True(Cap(r, restart + 8, f) > before + 1000, $"capacity {Cap(r, restart + 8, f)} vs {before}");
        var quiet = Run(DearUsMagnets);
        Assert.True(Idle(quiet, quiet.Months - 1, f) > 1000, "without the ban it stays mothballed");
    }

    [Fact]
    public void AFirmWhoseCashAndCreditRunOutFailsForGood()
    {
        var backed = Run(DearUsMagnets);
        int f = Firm(backed, "us_magnets");
        Assert.All(Enumerable.Range(0, backed.Months), t => Assert.Equal(0, backed.Exited[t * backed.Model.F + f]));

        var r = Run(DearUsMagnets.Replace("utilisation: 0.5}", "utilisation: 0.5, cash_months: 3}"));
        int exit = Enumerable.Range(0, r.Months).First(t => r.Exited[t * r.Model.F + f] > 0);
        for (int t = exit; t < r.Months; t++)
        {
            Assert.Equal(0, Cap(r, t, f));
            Assert.Equal(0, Idle(r, t, f));
            if (t > exit) Assert.Equal(0, Act(r, t, f)); // it fails after producing its last month
        }
        Assert.Contains(SummaryBuilder.Fates(r), x => x.Firm == "us_magnets" && x.ExitMonth == r.Model.MonthLabel(exit));
    }

    const string Illegal =
        "firms:\n" +
        "  cn_illegal: {country: CN, process: mine, capacity: 20000, unit_cost: 3, utilisation: 0.5, unreported: {elasticity: 1.5, enforcement: 0.2}}\n";

    [Fact]
    public void UnreportedMiningRisesWithPriceAndFallsWithEnforcement()
    {
        // a production quota on China's licensed mines from 2021-01 makes concentrate dear: illegal diggers, outside the
        // quota, dig more
        var quiet = Run(Illegal);
        var quota = Run(Illegal + "events:\n  - {month: 2021-01, type: production_quota, country: CN, process: mine, tonnes: 50000}\n");
        int f = Firm(quiet, "cn_illegal"), conc = quiet.Model.IndexOfMaterial("conc");
        Assert.True(Act(quiet, 1, f) * 12 < 20000 * 0.5 * 0.8 * 1.05);   // u0 x (1 - enforcement) near the reference price
        int t1 = Enumerable.Range(12, 12).MaxBy(t => quota.PriceAt(t, conc, 0));
        Assert.True(quota.PriceAt(t1, conc, 0) > 1.2 * quiet.PriceAt(t1, conc, 0), $"{quota.PriceAt(t1, conc, 0)} vs {quiet.PriceAt(t1, conc, 0)}");
        Assert.True(Act(quota, t1 + 1, f) > 1.2 * Act(quiet, t1 + 1, f), $"{Act(quota, t1 + 1, f)} vs {Act(quiet, t1 + 1, f)}");

        // an enforcement campaign from 2021-01 stops 80% instead of 20%
        var crack = Run(Illegal + "events:\n  - {month: 2021-01, type: enforcement, firm: cn_illegal, level: 0.8}\n");
        Assert.Equal(Act(quiet, 11, f), Act(crack, 11, f));
        Assert.True(Act(crack, 13, f) < 0.35 * Act(quiet, 13, f), $"{Act(crack, 13, f)} vs {Act(quiet, 13, f)}");
    }

    const string Reserve =
        "stockholders:\n" +
        "  cn_reserve: {country: CN, material: oxide, rule: reserve, capacity: 20000, rate: 1000, buy_below: 0.9, sell_above: 1.3}\n";

    [Fact]
    public void AStateReserveBuysWhenPricesAreLowAndSellsIntoASpike()
    {
        // demand falls: prices fall below what the reserve had come to expect, and it buys
        var slump = Run(Reserve + FallingDemand);
        int f = Firm(slump, "cn_reserve"), ox = slump.Model.IndexOfMaterial("oxide");
        int firstBuy = Enumerable.Range(0, slump.Months).First(t => slump.FirmStock(t, f) > 0);
        Assert.True(slump.PriceAt(firstBuy, ox, 0) < 0.95 * slump.PriceAt(0, ox, 0), "bought before prices fell");
        Assert.True(slump.FirmStock(23, f) > 1000, $"held {slump.FirmStock(23, f)} t after two years of low prices");

        // a reserve holding 5,000 t when a production quota nearly stops Chinese mining (from 2021-01): it sells into the spike
        var spike = Run(Reserve.Replace("capacity: 20000,", "capacity: 20000, tonnes: 5000,") +
                        "events:\n  - {month: 2021-01, type: production_quota, country: CN, process: mine, tonnes: 20000}\n");
        var calm = Run(Reserve.Replace("capacity: 20000,", "capacity: 20000, tonnes: 5000,"));
        double peak = Enumerable.Range(12, spike.Months - 12).Max(t => spike.PriceAt(t, ox, 0));
        Assert.True(peak > 1.3 * spike.PriceAt(11, ox, 0), $"no spike: {peak} vs {spike.PriceAt(11, ox, 0)}");
        double least = Enumerable.Range(12, spike.Months - 12).Min(t => spike.FirmStock(t, f));
        Assert.True(least < 0.7 * 5000, $"released down to {least} of 5,000 t");
        Assert.True(Enumerable.Range(0, 12).All(t => spike.FirmStock(t, f) >= 5000 - 1e-6), "sold before the spike");
        Assert.True(calm.FirmStock(calm.Months - 1, f) >= 5000 - 1e-6 || calm.FirmStock(calm.Months - 1, f) > least, "the calm world's reserve should not sell like that");
    }

    [Fact]
    public void TheShippedWorldsSpeculatorsStayIdleAtRest()
    {
        var r = SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("baseline.yaml")), 1);
        var holders = Enumerable.Range(0, r.Model.F).Where(f => RareEarth.Engine.Phases.ProductionPhase.IsStockholder(r.Model, f)).ToList();
        Assert.NotEmpty(holders);
        foreach (int f in holders)
            Assert.True(Enumerable.Range(0, r.Months).Max(t => r.FirmStock(t, f)) < 1e-6, r.Model.FirmIds[f]);
    }

    [Fact]
    public void StockholdersAndCashKeysAreValidated()
    {
        var ex = Assert.Throws<ScenarioException>(() => ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml",
            "firms:\n  cn_mine: {unit_cost: 4.5, cash_cost: 9, unreported: {enforcement: 2}}\n" +
            "stockholders:\n  x: {country: CN, material: oxide, rule: hoarder, capacity: 10, tonnes: 20, rate: 1}\n")));
        string msg = ex.Message;
        Assert.Contains("cash_cost", msg);
        Assert.Contains("enforcement", msg);
        Assert.Contains("rule", msg);
        Assert.Contains("tonnes", msg);
    }
}
