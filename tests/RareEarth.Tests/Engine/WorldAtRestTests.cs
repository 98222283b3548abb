using RareEarth.Engine;
using RareEarth.Runner;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Issue 8, item 4: each shipped starting world with its events and price floors removed stays near
/// its reference prices over its whole horizon (docs/model.md, "Initialisation").
/// <list type="bullet">
/// <item>Band: the Chinese domestic price (region 0: no export duty or quota rent, which the 2009
/// world declares) stays within 0.6-1.6x the reference price. Demand grows 2-10%/yr in the worlds
/// and capacity follows it with lead times, so a price that strays more than ~60% from its level for
/// years means supply and demand were not consistent at the start (before: NdPr 5.3x in 2014).</item>
/// <item>Co-products (La/Ce, whose demand grows slower than the NdPr that drives separation): a surplus
/// co-product settles near its handling cost, above min_price: at most 3 months in a row at
/// min_price (before: pinned at min_price for a decade).</item>
/// <item>Oscillation: at most 4 zig-zags (a rise then a fall, or a fall then a rise, both above 5%
/// of the price) per material and region over the horizon (before: 8 for ionic concentrate in 2009-15).</item>
/// </list>
/// </summary>
public class WorldAtRestTests
{
    public const double Low = 0.6, High = 1.6;
    public const int MaxMonthsAtMinPrice = 3, MaxZigZags = 4;
    public const double ZigZagSize = 0.05;

    static readonly string[] AtRest = { "events=[]", "price_floors={}" };

    /// <summary>
    /// The starting worlds as their files state them (world-2009 and world-2024, through the hand-set scenarios and the
    /// baseline), and the calibrated 2025 scenario. The calibrated 2010 scenario is not a world at rest by design: the fit
    /// puts China's ionic-clay separation at 31 kt/yr (prior 30-50 kt, world file 40 kt), so Dy and Tb rise 1.6-2x in
    /// 2009-2010 even without events, as they did in history before the halt (docs/validation.md).
    /// </summary>
    public static IEnumerable<object[]> Worlds() => new[]
    {
        new object[] { "hand-set/japan-2010.yaml" }, new object[] { "baseline.yaml" },
        new object[] { "hand-set/controls-2025.yaml" }, new object[] { "controls-2025.yaml" },
    };

    static SeriesRecorder Run(string scenario) =>
        SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario), AtRest), 1);

    static double P(SeriesRecorder r, int t, int mat, int region) => r.Price[(t * r.Model.M + mat) * 2 + region];

    /// <summary>Materials whose price the band test covers: every material but the co-product and the heavy rare earths (their own test, below).</summary>
    static readonly string[] Banded = { "conc_light", "conc_ionic", "ndpr_oxide", "ndfeb_magnet" };

    [Theory]
    [MemberData(nameof(Worlds))]
    public void DomesticPricesStayWithinTheirBandOfTheReference(string scenario)
    {
        var r = Run(scenario);
        var m = r.Model;
        var bad = new List<string>();
        foreach (var id in Banded)
        {
            int mat = Array.IndexOf(m.MaterialIds, id);
            double lo = double.MaxValue, hi = 0;
            for (int t = 0; t < r.Months; t++) { double x = P(r, t, mat, 0) / m.RefPrice[mat]; lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
            if (lo < Low || hi > High) bad.Add($"{id} {lo:0.00}-{hi:0.00}x ref");
        }
        Assert.True(bad.Count == 0, $"{scenario}: " + string.Join("; ", bad));
    }

    /// <summary>
    /// Dy and Tb come out of the same separators and go into the same magnets in near-fixed ratios, so only their combined
    /// revenue is anchored by the separators' cost; magnet makers' grade choice (docs/model.md, "Grade choice") is what holds
    /// each of them (before it: Dy 0.53x and Tb 1.44x its reference in the 2024 world, Dy 0.30x in the 2009 world; with
    /// it, seed 1: Dy 0.82-1.04x and Tb 0.80-1.15x in 2024, Dy 0.69-1.05x and Tb 0.63-1.30x in 2009).
    /// </summary>
    [Theory]
    [MemberData(nameof(Worlds))]
    public void HeavyRareEarthPricesStayWithinTheirBand(string scenario)
    {
        var r = Run(scenario);
        foreach (var id in new[] { "dy_oxide", "tb_oxide" })
        {
            int mat = Array.IndexOf(r.Model.MaterialIds, id);
            for (int t = 0; t < r.Months; t++)
                Assert.InRange(P(r, t, mat, 0) / r.Model.RefPrice[mat], Low, High);
        }
    }

    [Theory]
    [MemberData(nameof(Worlds))]
    public void NoPriceSitsAtMinPriceForLong(string scenario)
    {
        var r = Run(scenario);
        var m = r.Model;
        var bad = new List<string>();
        for (int mat = 0; mat < m.M; mat++)
            for (int region = 0; region < 2; region++)
            {
                int run = 0, worst = 0;
                for (int t = 0; t < r.Months; t++)
                {
                    run = P(r, t, mat, region) <= m.MinPrice[mat] * 1.001 ? run + 1 : 0;
                    worst = Math.Max(worst, run);
                }
                if (worst > MaxMonthsAtMinPrice) bad.Add($"{m.MaterialIds[mat]} region {region}: {worst} months at {m.MinPrice[mat]}");
            }
        Assert.True(bad.Count == 0, $"{scenario}: " + string.Join("; ", bad));
    }

    [Theory]
    [MemberData(nameof(Worlds))]
    public void PricesDoNotZigZagMonthToMonth(string scenario)
    {
        var r = Run(scenario);
        var m = r.Model;
        var bad = new List<string>();
        for (int mat = 0; mat < m.M; mat++)
            for (int region = 0; region < 2; region++)
            {
                int zigzags = ZigZags(r, mat, region);
                if (zigzags > MaxZigZags) bad.Add($"{m.MaterialIds[mat]} region {region}: {zigzags}");
            }
        Assert.True(bad.Count == 0, $"{scenario}: " + string.Join("; ", bad));
    }

    /// <summary>Sign changes of consecutive monthly price differences where both moves exceed <see cref="ZigZagSize"/> of the price.</summary>
    public static int ZigZags(SeriesRecorder r, int mat, int region)
    {
        int n = 0;
        for (int t = 1; t + 1 < r.Months; t++)
        {
            double a = P(r, t, mat, region) - P(r, t - 1, mat, region), b = P(r, t + 1, mat, region) - P(r, t, mat, region);
            double size = ZigZagSize * P(r, t, mat, region);
            if (a * b < 0 && Math.Abs(a) > size && Math.Abs(b) > size) n++;
        }
        return n;
    }

    [Fact]
    public void ProjectsUnderConstructionFollowTheDeclaredDemandTrend()
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("baseline.yaml"), AtRest).Model;
        var g = Initialisation.MaterialGrowth(model);
        // magnets grow as their end uses (demand-weighted sector growth), NdPr as the magnets that use it
        int mag = Array.IndexOf(model.MaterialIds, "ndfeb_magnet"), ndpr = Array.IndexOf(model.MaterialIds, "ndpr_oxide");
        double num = 0, den = 0;
        for (int s = 0; s < model.S; s++)
            if (model.SectorMaterial[s] == mag) { num += model.SectorDemand0[s] * model.SectorGrowth[s]; den += model.SectorDemand0[s]; }
        Assert.Equal(num / den, g[mag], 9);
        Assert.Equal(g[mag], g[ndpr], 9);
        // a firm that invests and runs full at the start has capacity arriving in its first months; one that does not invest, none
        var s0 = new WorldState(model, 1);
        int months = model.Months + 1;
        for (int f = 0; f < model.F; f++)
        {
            double first = s0.Pipeline[f * months + 1];
            if (model.FirmMaxGrowth[f] > 0 && model.FirmCapacity0[f] > 0 && model.FirmInitialUtilisation[f] >= 0.8) Assert.True(first > 0, model.FirmIds[f]);
            else if (model.FirmMaxGrowth[f] <= 0 || model.FirmInitialUtilisation[f] <= 0.6) Assert.Equal(0, first);
        }
    }
}
