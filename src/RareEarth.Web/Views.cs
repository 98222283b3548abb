using System.Diagnostics;
using RareEarth.Engine;
using RareEarth.Reporting;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;

namespace RareEarth.Web;

public sealed record ChartOut(string Id, string Title, string Svg, string? Why);
public sealed record CostRow(string Country, string Name, bool Restricting, double Net, string NetText, string? NetAText, string? DiffText);
public sealed record TimelineEvent(int Month, string When, string Kind, string Label, bool Confrontation);
public sealed record Timeline(string Start, string End, int Months, int? Shock, IReadOnlyList<TimelineEvent> Events);

/// <summary>What the page shows after a run, a comparison or a finished "with uncertainty" job.</summary>
public sealed record ViewResponse(
    string Scenario, string ScenarioName, string Material, IReadOnlyList<string> Materials, int Seed, int Runs,
    IReadOnlyList<string> Sets, string Command, IReadOnlyList<string>? PinnedSets, string? PinnedCommand,
    IReadOnlyList<string> Headlines, IReadOnlyList<string> Compare, IReadOnlyList<ChartOut> Charts,
    IReadOnlyList<CostRow> Costs, Timeline Timeline, IReadOnlyDictionary<string, double> Outcomes, double Ms)
{
    /// <summary>Student mode's plain words on the costs table.</summary>
    public string? CostsWhy { get; init; }
}

/// <summary>
/// Builds the page's view (charts, headlines, B − A sentences, costs, timeline, plain-words explanations) from the runs
/// of a plan: one run of each side, or many paired runs (bands). The same view makes the HTML report.
/// </summary>
public static class Views
{
    /// <summary>One run of B (and of A when pinned) with the plan's seed: what the page shows while levers move.</summary>
    public static ViewResponse Single(WhatIfPlan plan)
    {
        var sw = Stopwatch.StartNew();
        SeriesRecorder? rec = null, cfRec = null;
        var b = RunFrame.Run(plan.B.Compiled, plan.Seed, plan.Material, (r, c) => { rec = r; cfRec = c; });
        var a = plan.A is null ? null : RunFrame.Run(plan.A.Compiled, plan.Seed, plan.Material);
        var why = Explain.For(rec!, cfRec, b.Summary, plan.Material, CountryNames.Of(plan.B.Compiled));
        return Build(plan, new[] { b }, a is null ? null : new[] { a }, why, sw);
    }

    public static ViewResponse Build(WhatIfPlan plan, IReadOnlyList<RunFrame> b, IReadOnlyList<RunFrame>? a, IReadOnlyDictionary<string, string>? why, Stopwatch sw)
    {
        var m = plan.B.Compiled.Model;
        var names = CountryNames.Of(plan.B.Compiled);
        var charts = WorkbenchCharts.Draw(WorkbenchCharts.Build(m, plan.Material, b, a))
            .Select(c => new ChartOut(c.Id, c.Title, c.Svg, why?.GetValueOrDefault(c.Id))).ToList();
        var headlines = b[0].Outcomes.Select(o => Headline(o, b, names)).ToList();
        var compare = a is null ? new List<string>()
            : b[0].Outcomes.Where(o => a[0].Outcomes.Any(x => x.Key == o.Key))
                .Select(o => HtmlOutcomes.CompareSentence(o, Values(a, o.Key), Values(b, o.Key), names)).ToList();
        return new ViewResponse(plan.Entry.Id, plan.B.Compiled.Name, plan.Material, m.MaterialIds, plan.Seed, b.Count,
            plan.B.Sets, plan.B.Command(plan.Seed), plan.A?.Sets, plan.A?.Command(plan.Seed),
            headlines, compare, charts, Costs(m, b, a, names), TimelineOf(m),
            b[0].Outcomes.ToDictionary(o => o.Key, o => HtmlOutcomes.Spread(Values(b, o.Key)).Mid), sw.Elapsed.TotalMilliseconds)
        {
            CostsWhy = why?.GetValueOrDefault("costs"),
        };
    }

    static List<double> Values(IReadOnlyList<RunFrame> runs, string key) =>
        runs.Select(f => f.Outcomes.FirstOrDefault(o => o.Key == key)?.Value ?? double.NaN).ToList();

    /// <summary>An outcome's sentence; over many runs, the median's sentence with the 5-95% range.</summary>
    static string Headline(Outcome o, IReadOnlyList<RunFrame> runs, IReadOnlyDictionary<string, string> names)
    {
        if (runs.Count == 1) return HtmlOutcomes.Sentence(o, names);
        var v = Values(runs, o.Key);
        var (mid, lo, hi) = HtmlOutcomes.Spread(v);
        string unit = o.Kind == OutcomeKind.NetCost ? "USD" : "";
        string what = o.Kind switch { OutcomeKind.NetCost => "", OutcomeKind.PeakMultiple => "×", _ => " months" };
        string range = double.IsFinite(lo) ? $" [5-95%: {ChartFormat.Format(lo, unit)} to {ChartFormat.Format(hi, unit)}{what}]" : "";
        return $"Median of {runs.Count} runs: " + HtmlOutcomes.Sentence(o with { Value = mid }, names).TrimEnd('.') + range + ".";
    }

    static List<CostRow> Costs(Model m, IReadOnlyList<RunFrame> b, IReadOnlyList<RunFrame>? a, IReadOnlyDictionary<string, string> names)
    {
        if (b[0].Summary.Counterfactual is null) return new();
        string? restrictor = b[0].Summary.Restrictor?.Country;
        double Net(RunFrame f, string c) => f.Summary.Counterfactual?.Countries.FirstOrDefault(x => x.Country == c)?.NetCostUsd ?? double.NaN;
        return m.CountryIds.Select(c =>
        {
            var (nb, _, _) = HtmlOutcomes.Spread(b.Select(f => Net(f, c)).ToList());
            string? aText = null, diff = null;
            if (a is not null)
            {
                var (na, _, _) = HtmlOutcomes.Spread(a.Select(f => Net(f, c)).ToList());
                var (d, lo, hi) = HtmlOutcomes.Spread(a.Zip(b, (x, y) => Net(y, c) - Net(x, c)).ToList());
                aText = ChartFormat.Format(na, "USD");
                diff = ChartFormat.Format(d, "USD") + (a.Count > 1 ? $" [{ChartFormat.Format(lo, "USD")} to {ChartFormat.Format(hi, "USD")}]" : "");
            }
            return new CostRow(c, HtmlOutcomes.Name(c, names), c == restrictor, nb, ChartFormat.Format(nb, "USD"), aText, diff);
        }).OrderByDescending(r => Math.Abs(r.Net)).ToList();
    }

    public static Timeline TimelineOf(Model m) => new(m.MonthLabel(0), m.MonthLabel(m.Months - 1), m.Months, m.ShockMonth >= 0 ? m.ShockMonth : null,
        m.Events.Where(e => e.Kind != EventKind.ExportRegime || e.Country >= 0).OrderBy(e => e.Month)
            .Select(e => new TimelineEvent(e.Month, m.MonthLabel(e.Month), Kind(e.Kind), e.Label, e.IsConfrontation))
            .Distinct().ToList()); // an event for several countries or materials compiles to several: shown once

    static string Kind(EventKind k) => k switch
    {
        EventKind.ExportRegime => "export regime",
        EventKind.ExportDuty => "export duty",
        EventKind.ExportQuota => "export quota",
        EventKind.EmbeddedRule => "rule on embedded content",
        EventKind.CapacityProject => "new capacity",
        EventKind.OfftakeBreak => "offtake ends",
        EventKind.StockpileTarget => "stockpile",
        EventKind.CapexSubsidy => "investment subsidy",
        EventKind.RndFunding => "R&D funding",
        EventKind.ProductionQuota => "production quota",
        EventKind.Announcement => "announcement",
        _ => k.ToString(),
    };

    /// <summary>The view as one self-contained HTML report (charts inline as SVG, costs, timeline, commands).</summary>
    public static string Report(ViewResponse v)
    {
        var sections = v.Charts.Select(c => new HtmlSection(c.Title, c.Svg, Why: c.Why)).ToList();
        sections.Add(new HtmlSection("Timeline of the events", Html: TimelineHtml(v.Timeline)));
        var tables = new List<HtmlTable>();
        if (v.Costs.Count > 0)
        {
            bool cmp = v.PinnedSets is not null;
            tables.Add(new HtmlTable(cmp ? "Net cost to each country against the world without the confrontation, A and B (+ is a cost)"
                    : "Net cost to each country against the world without the confrontation (+ is a cost)",
                cmp ? new[] { "country", "A", "B", "B − A" } : new[] { "country", "net cost" },
                v.Costs.Select(c => (IReadOnlyList<string>)(cmp
                    ? new[] { Who(c), c.NetAText ?? "", c.NetText, c.DiffText ?? "" }
                    : new[] { Who(c), c.NetText })).ToList(),
                cmp ? new[] { 1, 2, 3 } : new[] { 1 }));
        }
        var headlines = v.PinnedSets is null ? v.Headlines : v.Compare.Concat(v.Headlines.Select(h => "B: " + h)).ToList();
        var notes = new List<string>();
        if (v.PinnedCommand is not null) notes.Add("A: " + v.PinnedCommand);
        notes.Add((v.PinnedCommand is null ? "" : "B: ") + v.Command);
        notes.Add("Costs: " + CounterfactualBuilder.Definition);
        if (v.Runs > 1) notes.Add($"Bands: {v.Runs} runs on seeds {v.Seed} to {v.Seed + v.Runs - 1} (uncertain parameters drawn from each seed); lines are medians, shaded 25-75% and 5-95%; B − A is taken run by run on the same seed.");
        return HtmlReport.Render(new HtmlReportModel(
            $"{v.ScenarioName}: " + (v.PinnedSets is null ? "what-if" : "B against A"),
            $"{HtmlOutcomes.Material(v.Material)}; {v.Timeline.Start} to {v.Timeline.End}; seed {v.Seed}" + (v.Runs > 1 ? $", {v.Runs} runs" : "") + $"; engine {EngineInfo.Version}",
            headlines, sections, tables, notes));
    }

    static string Who(CostRow c) => $"{c.Country} {c.Name}" + (c.Restricting ? " (restricting)" : "");

    static string TimelineHtml(Timeline t)
    {
        var sb = new System.Text.StringBuilder("<table><tr><th>month</th><th>event</th><th>what</th></tr>\n");
        foreach (var e in t.Events)
            sb.Append("<tr><td>").Append(HtmlReport.E(e.When)).Append("</td><td>").Append(HtmlReport.E(e.Kind))
              .Append("</td><td>").Append(HtmlReport.E(e.Label)).Append("</td></tr>\n");
        return sb.Append("</table>").ToString();
    }
}
