using RareEarth.Engine;
using RareEarth.Runner;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>Invariants that must hold on every shipped scenario, every month.</summary>
public class InvariantTests
{
    public static IEnumerable<object[]> Scenarios() => TestPaths.ShippedScenarios.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void MassBalancesPerCountryMaterialAndMonth(string scenario) =>
        AssertMassBalance(scenario, ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario)).Model, 7);

    /// <summary>Material in = out + stock change for every country, material and month (also used by the property tests).</summary>
    internal static void AssertMassBalance(string scenario, Model model, int seed)
    {
        var s = new WorldState(model, seed);
        int M = model.M, C = model.C;
        var before = new double[C * M];
        var after = new double[C * M];
        var pileBefore = new double[C * M];
        double worst = 0;
        for (int t = 0; t < model.Months; t++)
        {
            SeriesRecorder.StockSnapshot(s, before);
            Array.Copy(s.Stockpile, pileBefore, C * M);
            Simulation.Step(s);
            SeriesRecorder.StockSnapshot(s, after);
            for (int c = 0; c < C; c++)
                for (int mat = 0; mat < M; mat++)
                {
                    int k = c * M + mat;
                    double imports = 0, exports = 0;
                    for (int o = 0; o < C; o++)
                    {
                        if (o == c) continue;
                        imports += s.Trade[(o * M + mat) * C + c];
                        exports += s.Trade[(c * M + mat) * C + o];
                    }
                    double inflow = s.Production[k] + s.Recycled[k] + imports;
                    double outflow = s.Consumption[k] + s.InputUse[k] + exports + s.Losses[k]
                                     + (after[k] - before[k]) + (s.Stockpile[k] - pileBefore[k]);
                    double scale = Math.Max(1.0, Math.Max(inflow, before[k]));
                    double err = Math.Abs(inflow - outflow) / scale;
                    worst = Math.Max(worst, err);
                    Assert.True(err < 1e-6,
                        $"{scenario} {model.MonthLabel(t)} {model.CountryIds[c]} {model.MaterialIds[mat]}: in {inflow} != out {outflow}");
                }
        }
        Assert.True(worst < 1e-6);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void NothingNegativeNothingNaN(string scenario) =>
        AssertNothingNegativeNothingNaN(scenario, SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario)), 3));

    /// <summary>Stocks, flows and prices are finite and non-negative, prices positive (also used by the property tests).</summary>
    internal static void AssertNothingNegativeNothingNaN(string scenario, SeriesRecorder rec)
    {
        void Check(string name, double[] a, bool allowNaN = false)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (allowNaN && double.IsNaN(a[i])) continue;
                Assert.False(double.IsNaN(a[i]) || double.IsInfinity(a[i]), $"{scenario}: {name}[{i}] is {a[i]}");
                Assert.True(a[i] >= -1e-9, $"{scenario}: {name}[{i}] = {a[i]} is negative");
            }
        }
        Check("price", rec.Price); Check("production", rec.Production); Check("demand", rec.Demand);
        Check("consumption", rec.Consumption); Check("shortage", rec.Shortage); Check("trade", rec.Trade);
        Check("inventory", rec.Inventory); Check("stockpile", rec.Stockpile); Check("capacity", rec.Capacity);
        Check("activity", rec.Activity); Check("economic_loss", rec.EconomicLoss); Check("losses", rec.Losses);
        Check("china_share", rec.ChinaShare, allowNaN: true); Check("china_share_embedded", rec.ChinaShareEmbedded, allowNaN: true);
        Assert.All(rec.Price, p => Assert.True(p > 0));
        Assert.All(rec.ChinaShare.Where(x => !double.IsNaN(x)), x => Assert.InRange(x, 0, 1 + 1e-9));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void SameSeedGivesIdenticalResultsOnAnyThread(string scenario)
    {
        var compiled = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario));
        var a = SingleRun.Execute(compiled, 11);
        var results = new SeriesRecorder[4];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = SingleRun.Execute(compiled, 11));
        foreach (var b in results)
        {
            Assert.Equal(a.Price, b.Price);
            Assert.Equal(a.Trade, b.Trade);
            Assert.Equal(a.Shortage, b.Shortage);
            Assert.Equal(a.Capacity, b.Capacity);
        }
    }

    [Fact]
    public void DifferentSeedsDrawDifferentLicenceApprovals()
    {
        var compiled = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml"));
        var a = SingleRun.Execute(compiled, 1);
        var b = SingleRun.Execute(compiled, 2);
        Assert.NotEqual(a.Price, b.Price);
    }

    [Fact]
    public void AStateReusedForAnotherModelOfTheSameShapeRunsLikeANewOne()
    {
        var a = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml")).Model;
        var b = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml"), new[] { "countries.JP.hoarding_gain=2.5", "events.0.approval=0.1" }).Model;
        var reused = new WorldState(a, 3);
        Simulation.Run(reused, new SeriesRecorder());
        reused.Reset(b, 5);
        var r1 = new SeriesRecorder();
        Simulation.Run(reused, r1);
        var r2 = new SeriesRecorder();
        Simulation.Run(new WorldState(b, 5), r2);
        Assert.Equal(r2.Price, r1.Price);
        Assert.Equal(r2.Trade, r1.Trade);
        Assert.Equal(r2.Inventory, r1.Inventory);
        Assert.Equal(r2.Capacity, r1.Capacity);
        var japan = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("japan-2010.yaml")).Model;
        Assert.False(WorldState.SameShape(a, japan));
        Assert.Throws<ArgumentException>(() => reused.Reset(japan, 1));
    }
}
