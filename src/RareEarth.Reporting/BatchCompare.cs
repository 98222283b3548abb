using System.Globalization;
using System.Text;
using RareEarth.Analysis;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;

namespace RareEarth.Reporting;

public sealed record CompareResult(string ReportPath, IReadOnlyList<string> Charts, bool Paired, IReadOnlyList<MetricComparison> Metrics);

/// <summary>One summary metric in two batches: median and 5-95% range in each, and of the difference B − A.</summary>
public sealed record MetricComparison(string Name, string Unit, double[] A, double[] B, double[] Difference, int Pairs);

/// <summary>
/// Policy A against policy B, with uncertainty: compare.md with the distribution of every summary metric the two
/// stores share, fan charts of both batches on one chart (prices outside China, the focus importers' shortages)
/// and the cost to every country side by side. When the two batches share their design, master seed and
/// parameter values (e.g. the same scenario with one policy changed by --set), runs are paired by index (common
/// random numbers) and the difference is taken run by run; otherwise it is the difference of the two distributions'
/// quantiles.
/// </summary>
public static class BatchCompare
{
    static readonly double[] Qs = { 0.05, 0.5, 0.95 };

    public static CompareResult Write(BatchStore a, BatchStore b, string dir, string nameA, string nameB)
    {
        var pa = a.ReadPlan(); var pb = b.ReadPlan();
        var (startA, monthsA) = Horizon(a); var (startB, monthsB) = Horizon(b);
        if (startA != startB || monthsA != monthsB)
            throw new InvalidDataException($"the two batches cover different horizons ({startA:yyyy-MM} + {monthsA} months vs {startB:yyyy-MM} + {monthsB} months); compare batches of the same calendar");
        bool paired = pa.Runs == pb.Runs && pa.Design == pb.Design && pa.Seeds.SequenceEqual(pb.Seeds) &&
                      pa.Parameters.Select(p => p.Name).SequenceEqual(pb.Parameters.Select(p => p.Name)) && SameValues(pa, pb);
        var chartDir = Path.Combine(dir, "charts");
        Directory.CreateDirectory(chartDir);
        var charts = new List<string>();
        var md = new StringBuilder();
        md.AppendLine($"# {nameA} against {nameB}");
        md.AppendLine();
        md.AppendLine("| | A | B |");
        md.AppendLine("| --- | --- | --- |");
        md.AppendLine($"| name | {nameA} | {nameB} |");
        md.AppendLine($"| scenario | `{pa.ScenarioFile}` {string.Join(" ", pa.Overrides.Select(o => $"`--set {o}`"))} | `{pb.ScenarioFile}` {string.Join(" ", pb.Overrides.Select(o => $"`--set {o}`"))} |");
        md.AppendLine($"| store | `{a.Path}` | `{b.Path}` |");
        md.AppendLine($"| runs ok | {a.Scalar<long>("SELECT count(*) FROM runs WHERE status = 'ok'")} of {pa.Runs} | {b.Scalar<long>("SELECT count(*) FROM runs WHERE status = 'ok'")} of {pb.Runs} |");
        md.AppendLine($"| design, master seed | {DesignKinds.Name(pa.Design)}, {pa.MasterSeed} | {DesignKinds.Name(pb.Design)}, {pb.MasterSeed} |");
        md.AppendLine();
        md.AppendLine(paired
            ? "The two batches share their design, seeds and parameter values: run *i* of A and run *i* of B differ only by the scenario, so B − A is taken run by run (common random numbers)."
            : "The two batches do not share seeds and parameter values: B − A is the difference of the two distributions' quantiles (median of B minus median of A, and so on), not a run-by-run difference.");
        md.AppendLine();

        // ---- summary metrics
        var metricsA = a.Rows("SELECT name, unit FROM metrics ORDER BY rowid").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
        var inB = b.Rows("SELECT name FROM metrics").Select(r => (string)r[0]!).ToHashSet();
        var comparisons = new List<MetricComparison>();
        foreach (var (name, unit) in metricsA.Where(m => inB.Contains(m.Item1)))
        {
            var va = Values(a, name); var vb = Values(b, name);
            double[] diff;
            int pairs = 0;
            if (paired)
            {
                var d = va.Keys.Where(vb.ContainsKey).Select(i => vb[i] - va[i]).ToArray();
                pairs = d.Length;
                diff = d.Length > 0 ? Percentiles.Quantiles(d, Qs) : Nan();
            }
            else
            {
                var qa = Quant(va.Values); var qb = Quant(vb.Values);
                diff = new[] { qb[0] - qa[0], qb[1] - qa[1], qb[2] - qa[2] };
            }
            comparisons.Add(new MetricComparison(name, unit, Quant(va.Values), Quant(vb.Values), diff, pairs));
        }
        md.AppendLine("## Summary metrics");
        md.AppendLine();
        md.AppendLine($"Median [5%, 95%] over the ok runs. {(paired ? "B − A: median [5%, 95%] of the run-by-run differences." : "B − A: differences of the quantiles.")}");
        md.AppendLine();
        md.AppendLine($"| metric | unit | A: {nameA} | B: {nameB} | B − A |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var c in comparisons)
            md.AppendLine($"| `{c.Name}` | {c.Unit} | {Range(c.A)} | {Range(c.B)} | {Range(c.Difference)} |");
        md.AppendLine();

        // ---- who pays: every country's cost, and the restricting country's lost export revenue
        var allCosts = comparisons.Where(c => c.Name.StartsWith("total_cost_usd_", StringComparison.Ordinal) || c.Name.StartsWith("lost_export_revenue_usd_", StringComparison.Ordinal)).ToList();
        static bool Zero(double[] q) => q.All(v => !double.IsFinite(v) || v == 0);
        var costs = allCosts.Where(c => !(Zero(c.A) && Zero(c.B))).ToList();
        if (costs.Count > 0)
        {
            var png = BatchCharts.PanelBars(chartDir, "compare_costs", "What the confrontation costs each side: median, bars 5-95% of the runs (each panel its own scale)", "USD",
                costs.Select(c => c.Name.StartsWith("total_cost_usd_", StringComparison.Ordinal) ? $"cost to {c.Name["total_cost_usd_".Length..]}" : $"lost exports of {c.Name["lost_export_revenue_usd_".Length..]}").ToList(),
                new[] { nameA, nameB },
                new[] { costs.Select(c => c.A).ToList(), costs.Select(c => c.B).ToList() });
            charts.Add(png);
            md.AppendLine("## Who pays");
            md.AppendLine();
            md.AppendLine($"![costs by country](charts/{Path.GetFileName(png)})");
            md.AppendLine();
            if (costs.Count < allCosts.Count)
            {
                md.AppendLine($"Not drawn, because they are zero in every run of both batches: {string.Join(", ", allCosts.Except(costs).Select(c => $"`{c.Name}`"))}.");
                md.AppendLine();
            }
        }

        // ---- over time: both batches' fans on one chart
        var bandsA = BatchReport.Bands(a, startA, monthsA);
        var bandsB = BatchReport.Bands(b, startB, monthsB);
        var shared = bandsA.Keys.Where(bandsB.ContainsKey).ToList();
        var keys = new List<(string Metric, string Material, string Country)>();
        keys.AddRange(BatchReport.PriceMaterials.Select(m => ("price", m, "ROW")).Where(k => shared.Contains(k)));
        var focus = shared.Where(k => k.Metric == "shortage_share").Select(k => k.Material).FirstOrDefault();
        keys.AddRange(shared.Where(k => k.Metric == "shortage_share" && k.Material == focus && k.Country is "JP" or "US" or "EU").OrderBy(k => k.Country));
        keys.AddRange(shared.Where(k => k.Metric == "china_share" && k.Material == focus && k.Country is "JP" or "US" or "EU").OrderBy(k => k.Country));
        if (keys.Count > 0)
        {
            md.AppendLine("## Over time: A (solid) and B (dashed), median with 25-75% and 5-95% bands");
            md.AppendLine();
        }
        int? shockMonth = BatchReport.MonthIndex(startA, a.Rows("SELECT shock_month FROM batch")[0][0] as DateOnly?);
        var zero = new List<string>();
        foreach (var k in keys)
        {
            double scale = k.Metric == "price" ? 1 : 100;
            string unit = k.Metric switch { "price" => "USD/kg", "shortage_share" => "% of demand", _ => "% of supply acquired" };
            string what = k.Metric switch { "price" => $"{k.Material} price, {k.Country}", "shortage_share" => $"{k.Country} {k.Material}: shortage", _ => $"{k.Country} {k.Material}: direct share of supply from China" };
            var chart = new TimeChart(BatchLayout.Col("compare", k.Metric, k.Material, k.Country), $"{what}: {nameA} vs {nameB}", unit, startA.Year, startA.Month, new[]
            {
                BatchReport.FanSeries(nameA, bandsA[k], 0, scale: scale),
                BatchReport.FanSeries(nameB, bandsB[k], 1, dashed: true, scale: scale),
            }, k.Metric == "china_share" ? 50 : null, $"month; {nameA} vs {nameB}") { ShockMonth = shockMonth };
            if (BatchReport.AllZero(bandsA[k]) && BatchReport.AllZero(bandsB[k])) { zero.Add(chart.Title); continue; }
            var png = ChartRenderer.Render(chart, chartDir);
            charts.Add(png);
            md.AppendLine($"![{chart.Title}](charts/{Path.GetFileName(png)})");
        }
        md.AppendLine();
        if (zero.Count > 0)
        {
            md.AppendLine($"Not drawn, because they are zero in every run of both batches: {string.Join("; ", zero)}.");
            md.AppendLine();
        }

        var path = Path.Combine(dir, "compare.md");
        File.WriteAllText(path, md.ToString());
        HtmlMarkdown.WriteNextTo(path); // the same report as one self-contained HTML file
        return new CompareResult(path, charts, paired, comparisons);
    }

    static (DateOnly Start, int Months) Horizon(BatchStore s)
    {
        var r = s.Rows("SELECT start_month, months FROM batch")[0];
        return ((DateOnly)r[0]!, (int)r[1]!);
    }

    static bool SameValues(BatchPlan a, BatchPlan b)
    {
        for (int i = 0; i < a.Runs; i++)
            for (int k = 0; k < a.Parameters.Count; k++)
                if (a.Values[i, k] != b.Values[i, k]) return false;
        return true;
    }

    /// <summary>A metric's value per ok run (runs where it is undefined are left out).</summary>
    static Dictionary<int, double> Values(BatchStore s, string metric) =>
        s.Rows($"SELECT run_index, {BatchStore.Q(metric)} FROM runs WHERE status = 'ok' AND {BatchStore.Q(metric)} IS NOT NULL")
            .ToDictionary(r => (int)r[0]!, r => (double)r[1]!);

    static double[] Quant(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return v.Length > 0 ? Percentiles.Quantiles(v, Qs) : Nan();
    }

    static double[] Nan() => new[] { double.NaN, double.NaN, double.NaN };

    static string Range(double[] q) => double.IsNaN(q[1]) ? "-" : $"{G(q[1])} [{G(q[0])}, {G(q[2])}]";

    static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
