using RareEarth.Engine;
using RareEarth.Engine.Phases;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Magnet makers' grade choice (docs/model.md, "Grade choice"): the Dy and Tb loading of a tonne of magnet follows their
/// expected prices, the CES input demand (x_i / index)^(−σ) · index^(−ε) of the 2024 world's make_magnet (σ = 1, ε = 0.3).
/// Prices are held in the market and only the adaptation phase runs, so expectations converge to them.
/// </summary>
public class GradeChoiceTests
{
    static (WorldState S, int Dy, int Tb, int Maker) Hold(double dyMultiple, double tbMultiple, params string[] sets)
    {
        var m = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("baseline.yaml"), sets).Model;
        var s = new WorldState(m, 1);
        int dy = m.IndexOfMaterial("dy_oxide"), tb = m.IndexOfMaterial("tb_oxide");
        for (int month = 0; month < 240; month++)
        {
            foreach (var (mat, x) in new[] { (dy, dyMultiple), (tb, tbMultiple) })
            {
                s.Price[mat * 2] = s.Price[mat * 2 + 1] = x * m.RefPrice[mat];
                for (int c = 0; c < m.C; c++) s.CountryPrice[mat * m.C + c] = x * m.RefPrice[mat];
            }
            AdaptationPhase.Apply(s);
        }
        return (s, dy, tb, Array.IndexOf(m.FirmIds, "cn_magnets"));
    }

    static double Loading(WorldState s, int f, int mat) => s.Grade[f * s.Model.M + mat];

    [Fact]
    public void AtReferencePricesTheRecipeIsTheWorldFiles()
    {
        var (s, dy, tb, f) = Hold(1, 1);
        Assert.Equal(1, Loading(s, f, dy), 9);
        Assert.Equal(1, Loading(s, f, tb), 9);
    }

    [Fact]
    public void CheapDyReplacesDearTbAndNeitherIsThrifted()
    {
        var (s, dy, tb, f) = Hold(0.7, 1.3);
        Assert.True(Loading(s, f, dy) > 1.3, $"Dy loading {Loading(s, f, dy):F2}");
        Assert.True(Loading(s, f, tb) < 0.8, $"Tb loading {Loading(s, f, tb):F2}");
        // their price index (cost weights Dy 0.63, Tb 0.37 at reference) stays below 1: no pressure to thrift
        Assert.Equal(0, s.Thrift[f]);
    }

    [Fact]
    public void DearHeavyRareEarthsAreLoadedLessAndThrifted()
    {
        var (s, dy, tb, f) = Hold(2, 2);
        // ε = 0.3: 2^-0.3 = 0.81, the same for both (their ratio is unchanged)
        Assert.Equal(Math.Pow(2, -0.3), Loading(s, f, dy), 3);
        Assert.Equal(Loading(s, f, dy), Loading(s, f, tb), 9);
        Assert.True(s.Thrift[f] > 0);
    }

    [Fact]
    public void WithoutGradeChoiceTheRecipeIsFixed()
    {
        var (s, dy, tb, f) = Hold(0.5, 1.5, "processes.make_magnet.grade_substitution=0", "processes.make_magnet.grade_elasticity=0");
        Assert.Equal(1, Loading(s, f, dy));
        Assert.Equal(1, Loading(s, f, tb));
    }
}
