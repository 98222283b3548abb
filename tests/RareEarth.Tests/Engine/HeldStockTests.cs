using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// <c>behaviour.held_stock_reroute_share</c> (docs/model.md, "Markets per country"): the share of the goods suppliers
/// outside China hold back from the pooled market (their ask above its price) that they sell to a cut-off country at its
/// own price. 0 (the default) leaves every shipped result as it was; at 1 the held goods reach the cut-off market month by
/// month instead of piling up and being released in lumps.
/// </summary>
public class HeldStockTests
{
    static SeriesRecorder Run(string scenario, params string[] sets) =>
        SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario), sets.ToList()), 1);

    /// <summary>controls-2025 with its April licences (approval 0.15) in force for 12 months.</summary>
    static readonly string[] LowApproval = { "events.0.approval=0.15", "events.1.month=2026-04", "events.2.month=2026-05" };

    [Fact]
    public void HeldGoodsReachingACutOffMarketStopTheOutsideDyPriceFromZigZagging()
    {
        // measured (seed 1, moves of more than 5% each way): 9 zig-zags of the outside Dy price at 0 (sellers outside China
        // hold their Dy while the pooled price is below their ask and release it in lumps; cut-off markets split off and
        // rejoin the pool), 2 at 1
        int Dy(SeriesRecorder r) => WorldAtRestTests.ZigZags(r, r.Model.IndexOfMaterial("dy_oxide"), 1);
        int held = Dy(Run("controls-2025.yaml", LowApproval.Append("behaviour.held_stock_reroute_share=1").ToArray()));
        int kept = Dy(Run("controls-2025.yaml", LowApproval));
        Assert.True(held <= 2, $"{held} zig-zags of the outside Dy price with held goods rerouted");
        Assert.True(2 * held < kept, $"rerouting held goods does not calm the outside Dy price: {held} zig-zags against {kept}");
    }

    [Fact]
    public void UnderTheBanOnJapanHeldGoodsRerouteToJapanAtAPremiumAndMassStillBalances()
    {
        const string ban = "what-if/japan-ban-2026.yaml";
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(ban), new List<string> { "behaviour.held_stock_reroute_share=1" }).Model;
        InvariantTests.AssertMassBalance(ban, model, 1);
        var held = SingleRun.Execute(model, 1);
        var kept = Run(ban);
        var m = held.Model;
        int jp = m.IndexOfCountry("JP"), cn = m.IndexOfCountry("CN"), ndpr = m.IndexOfMaterial("ndpr_oxide");
        int from = Enumerable.Range(0, held.Months).Single(t => m.MonthLabel(t) == "2026-01");
        double FromOthers(SeriesRecorder r) => Enumerable.Range(from, 12)
            .Sum(t => Enumerable.Range(0, m.C).Where(o => o != jp && o != cn).Sum(o => r.TradeAt(t, o, ndpr, jp)));
        Assert.True(FromOthers(held) > 1.5 * FromOthers(kept),
            $"non-Chinese NdPr to Japan in the ban year: {FromOthers(held):F0} t with held goods rerouted, {FromOthers(kept):F0} t without");
        // Japan pays its own price for them: the premium over the pooled price is recorded
        var cf = SingleRun.Counterfactual(model, 1)!;
        var totals = CounterfactualBuilder.Build(held.Totals, cf.Totals);
        Assert.True(totals.Rerouting.Single(x => x.Country == "JP" && x.Material == "ndpr_oxide").PremiumUsd > 0);
    }
}
