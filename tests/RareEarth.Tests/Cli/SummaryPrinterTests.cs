using RareEarth.Cli;
using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Cli;

/// <summary>The console summary after a run: nothing that matters is hidden, signs are words, nothing is credited to a shock that is not there.</summary>
public class SummaryPrinterTests
{
    static string Printed(string scenario, params string[] overrides)
    {
        var compiled = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario), overrides);
        var summary = SummaryBuilder.Build(SingleRun.Execute(compiled, 1), compiled.Name, 1, "");
        var w = new StringWriter();
        SummaryPrinter.Print(w, summary, compiled);
        return w.ToString();
    }

    /// <summary>The lines of the section whose heading starts with <paramref name="heading"/>, up to the next blank line or heading.</summary>
    static List<string> Section(string text, string heading)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int at = lines.FindIndex(l => l.StartsWith(heading, StringComparison.Ordinal));
        Assert.True(at >= 0, $"no section '{heading}' in:\n{text}");
        return lines.Skip(at + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public void TheHeadlineMaterialIsNotCutFromJapan2010()
    {
        var text = Printed("japan-2010.yaml");
        Assert.Contains(Section(text, "Price spikes"), l => l.TrimStart().StartsWith("dy_oxide", StringComparison.Ordinal));
        Assert.Contains(Section(text, "Decoupling from China"), l => l.Contains("dy_oxide") && l.Contains("JP"));
    }

    [Fact]
    public void TheTargetedCountryIsNotCut()
    {
        // a Dy ban on the US alone: the US rows stay however many others there are
        var text = Printed("controls-2025.yaml", "events=[{month: 2025-04, type: export_regime, country: CN, materials: [dy_oxide], to: US, regime: ban, confrontation: true}]", "uncertain={}");
        Assert.Contains(Section(text, "Decoupling from China"), l => l.TrimStart().StartsWith("dy_oxide", StringComparison.Ordinal) && l.Contains("US"));
        Assert.Contains(Section(text, "Cost from the shock on"), l => l.Contains("US United States"));
    }

    [Fact]
    public void RowsThatDoNotFitAreCounted()
    {
        var shortages = Enumerable.Range(0, 25).Select(i => new ShortageSummary("ZZ", $"m{i:D2}", 100 + i, 0.01 + i * 0.001, 3, "2020-01", 0.5)).ToList();
        var s = Synthetic(shock: "2020-01") with { Shortages = shortages };
        var w = new StringWriter();
        SummaryPrinter.Print(w, s, new Dictionary<string, string> { ["ZZ"] = "Rest of world" });
        var rows = Section(w.ToString(), "Shortages");
        Assert.Equal($"  {25 - SummaryPrinter.MaxRows} more (see summary.json)", rows[^1]);
        Assert.Equal(SummaryPrinter.MaxRows, rows.Count - 1);
        Assert.Contains("ZZ Rest of world", rows[0]);
    }

    [Fact]
    public void SignsAreWords()
    {
        var text = Printed("controls-2025.yaml");
        Assert.DoesNotContain("lost -", text);
        Assert.Matches(@"a (gain|loss) of \d+\.\d bn", text);
    }

    [Fact]
    public void NoShockMeansNothingAfterTheShockAndNoLosses()
    {
        var text = Printed("baseline.yaml");
        Assert.DoesNotContain("after the shock", text);
        Assert.DoesNotContain("shock on", text);
        Assert.DoesNotContain("Mutual harm", text);
        Assert.DoesNotContain("Cost", text);
        Assert.Contains("No shock in this scenario", text);
    }

    [Fact]
    public void AShareThatComesBackIsASpellNotADecoupling()
    {
        // below 20% from the shock month for a year, then back to 100%
        var d = new DecouplingSummary("JP", "dy_oxide", "direct", 0.95, 1.0, 0, "2020-01", 0, "2020-01", "");
        var s = Synthetic(shock: "2020-01") with { Decoupling = new[] { d } };
        var w = new StringWriter();
        SummaryPrinter.Print(w, s, new Dictionary<string, string> { ["JP"] = "Japan" });
        var text = w.ToString();
        Assert.DoesNotContain("0 months", text);
        var row = Assert.Single(Section(text, "Decoupling from China"), l => l.Contains("dy_oxide"));
        Assert.Contains("2020-01 (+0)*", row);
        Assert.Contains("* a spell, not a lasting decoupling", text);
    }

    [Fact]
    public void CountriesHaveNamesAndTheRestOfTheWorldIsExplained()
    {
        var text = Printed("controls-2025.yaml");
        Assert.Contains("ZZ Rest of world", text);
        Assert.Contains("JP Japan", text);
    }

    [Fact]
    public void ALatePeakIsNotCreditedToTheShock()
    {
        // controls-2025 with the April licences kept and a Chinese mining cut in 2029: the concentrate peaks years
        // after the shock; that peak is listed apart, and every spike credited to the shock lies within 24 months of it
        var text = Printed("controls-2025.yaml",
            "events=[{month: 2025-04, type: export_regime, country: CN, materials: [dy_oxide, tb_oxide, ndfeb_magnet], to: all, regime: licence, approval: 0.25, delay: 1, confrontation: true}, " +
            "{month: 2029-01, type: production_quota, country: CN, process: mine_light, tonnes: 90000}]");
        static int After(string line) => int.Parse(System.Text.RegularExpressions.Regex.Match(line, @"\(\+(\d+)\)").Groups[1].Value);
        var spikes = Section(text, "Price spikes");
        Assert.NotEmpty(spikes);
        Assert.All(spikes.Where(l => !l.Contains(" more (see summary.json)")), l => Assert.InRange(After(l), 0, 24));
        var later = Section(text, "Later highs");
        // the concentrate's peak is there, or among the rows left to summary.json when the cut-off markets' highs fill the list
        Assert.Contains(later, l => l.Contains("conc_light") || l.Contains(" more (see summary.json)"));
        Assert.All(later.Where(l => !l.Contains(" more (see summary.json)")), l => Assert.True(After(l) > 24, l));
    }

    [Fact]
    public void TerminalEscapesInTheScenarioNameAreNotPrinted()
    {
        var w = new StringWriter();
        SummaryPrinter.Print(w, Synthetic(shock: null) with { Scenario = "red\u001b[31m name\nsecond line" }, new Dictionary<string, string>());
        Assert.DoesNotContain('\u001b', w.ToString());
        Assert.StartsWith("red [31m name second line, 2019-01", w.ToString());
    }

    static RunSummary Synthetic(string? shock) => new(
        "synthetic", 1, "0", "", "2019-01", "2025-12", shock, "2019-01..2019-12",
        Array.Empty<ShortageSummary>(), Array.Empty<PriceSummary>(), Array.Empty<PriceGap>(), Array.Empty<DecouplingSummary>(),
        Array.Empty<CostSummary>(), null, new SummaryFocus(new[] { "dy_oxide" }, Array.Empty<string>()));
}
