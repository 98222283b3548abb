using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;

namespace RareEarth.Reporting;

/// <summary>
/// report.html of <c>run</c>: the headlines, the run's charts (the SVG files just written to charts/, inline) and what the
/// confrontation cost each country, in one self-contained file next to summary.json.
/// </summary>
public static class HtmlRunReport
{
    public const string FileName = "report.html";

    /// <summary>Writes report.html into <paramref name="dir"/>; charts are read from <paramref name="chartsDir"/> when drawn.</summary>
    public static string Write(string dir, SeriesRecorder rec, RunSummary summary, IReadOnlyDictionary<string, string> names, string? chartsDir, string reproduce)
    {
        var sections = new List<HtmlSection>();
        if (chartsDir is not null && Directory.Exists(chartsDir))
            foreach (var chart in RunCharts.Build(rec))
            {
                var svg = Path.Combine(chartsDir, chart.FileStem + ".svg");
                if (File.Exists(svg)) sections.Add(new HtmlSection(chart.Title.Split('\n')[0], HtmlCharts.Inline(File.ReadAllText(svg))));
            }
        var model = new HtmlReportModel(
            $"{summary.Scenario}: one run",
            $"{summary.Start} to {summary.End}" + (summary.Shock is null ? "" : $", shock {summary.Shock}") + $"; seed {summary.Seed}; engine {summary.EngineVersion}; scenario hash {summary.ScenarioHash}",
            Headlines(summary, rec.Model.RegionIds[1], names),
            sections,
            CostTable(summary, names) is { } t ? new[] { t } : Array.Empty<HtmlTable>(),
            new[] { $"Reproduce: rareearth {reproduce}", "Costs: " + CounterfactualBuilder.Definition });
        var path = Path.Combine(dir, FileName);
        File.WriteAllText(path, HtmlReport.Render(model));
        return path;
    }

    /// <summary>The headline sentences of a run: its focus materials, the countries targeted, and the restricting country's cost.</summary>
    public static List<string> Headlines(RunSummary s, string outsideRegion, IReadOnlyDictionary<string, string> names)
    {
        var targeted = s.Focus.Countries;
        var restrictor = s.Restrictor?.Country;
        var costs = targeted.Concat(restrictor is null ? Array.Empty<string>() : new[] { restrictor }).Distinct().ToList();
        return HtmlOutcomes.From(s, outsideRegion, s.Focus.Materials, targeted, costs).Select(o => HtmlOutcomes.Sentence(o, names)).ToList();
    }

    /// <summary>Each country's cost against the counterfactual, with its name next to its code; null without a counterfactual.</summary>
    public static HtmlTable? CostTable(RunSummary s, IReadOnlyDictionary<string, string> names)
    {
        if (s.Counterfactual is not { } cf) return null;
        var rows = cf.Countries.OrderByDescending(c => Math.Abs(c.NetCostUsd)).Select(c => (IReadOnlyList<string>)new[]
        {
            $"{c.Country} {HtmlOutcomes.Name(c.Country, names)}" + (c.Country == s.Restrictor?.Country ? " (restricting)" : ""),
            ChartFormat.Format(c.NetCostUsd, "USD"), ChartFormat.Format(c.EconomicLossUsd, "USD"), ChartFormat.Format(c.ProcurementUsd, "USD"),
            ChartFormat.Format(c.ProducerMarginUsd, "USD"), ChartFormat.Format(c.ShortageTonnes, "t"),
        }).ToList();
        return new HtmlTable("What the confrontation cost each country (against the same world without it; + is a cost)",
            new[] { "country", "net cost", "shortage loss", "paid for supplies", "producers' margin", "extra shortage" }, rows, new[] { 1, 2, 3, 4, 5 });
    }
}
