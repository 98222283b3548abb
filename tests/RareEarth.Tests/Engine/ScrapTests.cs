using RareEarth.Runner;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>Recyclers can only recycle what is there: swarf from magnet making and collected end-of-life magnets.</summary>
public class ScrapTests
{
    // a Japanese recycler far larger than Japan's scrap (3,000 t/yr of magnets made, 8,000 t/yr put into use)
    const string Recycler =
        "processes:\n  recycle: {stage: recycling, recycling: true, outputs: {oxide: 0.3}}\n" +
        "firms:\n  jp_recycling: {country: JP, process: recycle, capacity: 50000, unit_cost: 1, utilisation: 1}\n";

    static RareEarth.Runner.Recording.SeriesRecorder Run(string scrap) =>
        SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml", Recycler + scrap)), 1);

    [Fact]
    public void WithoutScrapNothingIsRecycled()
    {
        var r = Run("");
        int jp = r.Model.IndexOfCountry("JP"), oxide = r.Model.IndexOfMaterial("oxide");
        Assert.All(Enumerable.Range(0, r.Months), t => Assert.Equal(0, r.At(r.Recycled, t, jp, oxide)));
    }

    [Fact]
    public void RecyclingIsBoundedByTheScrapThatArises()
    {
        var r = Run("scrap: {magnet_swarf: 0.25, end_of_life_collection: 0.05, lifetime_years: 2}\n");
        var m = r.Model;
        int jp = m.IndexOfCountry("JP"), oxide = m.IndexOfMaterial("oxide"), mag = m.IndexOfMaterial("magnet");
        int recycler = Array.IndexOf(m.FirmIds, "jp_recycling");
        double recycledScrap = 0, swarf = 0, eolBound = 0;
        for (int t = 0; t < r.Months; t++)
        {
            recycledScrap += r.Activity[t * m.F + recycler];
            swarf += 0.25 * r.At(r.Production, t, jp, mag);
            Assert.True(r.Scrap[t * m.C + jp] >= -1e-9, $"negative scrap stock in month {t}");
        }
        // end-of-life: at most 5% of what Japan's sectors used, plus what was in use at the start
        for (int t = 0; t < r.Months; t++) eolBound += 0.05 * r.At(r.Consumption, t, jp, mag);
        eolBound += 0.05 * 8000 * 2;
        Assert.True(recycledScrap > 0.5 * swarf, $"recycled {recycledScrap} t of scrap, swarf {swarf} t");
        Assert.True(recycledScrap <= swarf + eolBound + 1e-6, $"recycled {recycledScrap} t > scrap {swarf} + {eolBound} t");
        // and far below the recycler's capacity: scrap, not capacity, binds
        Assert.True(recycledScrap < 0.2 * 50000 * r.Months / 12.0);
        Assert.Equal(0.3 * recycledScrap, Enumerable.Range(0, r.Months).Sum(t => r.At(r.Recycled, t, jp, oxide)), 6);
    }
}
