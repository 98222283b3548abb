using RareEarth.Analysis;
using RareEarth.Engine;
using RareEarth.Reporting;

namespace RareEarth.Web;

/// <summary>A chart of the page: id, title and the SVG drawn by the Reporting charts (ScottPlot).</summary>
public sealed record ChartView(string Id, string Title, string Svg);

/// <summary>
/// The page's charts for one material, as <see cref="TimeChart"/> definitions drawn by the same code as the CLI's
/// charts: one run (lines), many runs (median with 25-75% and 5-95% bands), and, when A is pinned, B next to A (A
/// dashed) and B − A run by run (common random numbers: the same seeds).
/// </summary>
public static class WorkbenchCharts
{
    public const int Width = 640, Height = 400;

    public static List<TimeChart> Build(Model m, string material, IReadOnlyList<RunFrame> b, IReadOnlyList<RunFrame>? a)
    {
        string mat = HtmlOutcomes.Material(material);
        int? shock = m.ShockMonth >= 0 && m.ShockMonth < m.Months ? m.ShockMonth : null;
        TimeChart Chart(string id, string title, string y, List<ChartSeries> s, double? reference = null) =>
            new(id, title, y, m.StartYear, m.StartMonth, s, reference, "month") { ShockMonth = shock };
        string Tag(string who, string label) => a is null ? label : $"{who}: {label}";
        var charts = new List<TimeChart>();

        var prices = new List<ChartSeries>();
        if (a is not null)
        {
            prices.Add(Line(Tag("A", "outside China"), a, f => f.PriceOutside, 0, dashed: true));
            prices.Add(Line(Tag("A", "Chinese domestic"), a, f => f.PriceChina, 1, dashed: true));
        }
        prices.Add(Line(Tag("B", "outside China"), b, f => f.PriceOutside, 0));
        prices.Add(Line(Tag("B", "Chinese domestic"), b, f => f.PriceChina, 1));
        charts.Add(Chart("price", $"{mat}: price by region", "USD/kg", prices));

        var shortage = ByCountry(m, b, a, f => f.Shortage, keep: s => s.Values.Any(v => v > 0.5));
        if (shortage.Count == 0) shortage.Add(new ChartSeries("no country short", new double[m.Months], ColorIndex: 7));
        charts.Add(Chart("shortage", $"{mat}: shortage by country\n(unmet demand in each month)", "% of demand", shortage));
        charts.Add(Chart("china_share", $"{mat}: share of purchases\nfrom China, by importer", "% from China",
            ByCountry(m, b, a, f => f.ChinaShare, keep: s => s.Values.Any(double.IsFinite)), 50));
        var cover = ByCountry(m, b, a, f => f.Coverage, keep: s => s.Values.Any(double.IsFinite));
        var chart = Chart("coverage", $"{mat}: stocks in months of demand\n(firms, users, stockpiles)", "months of demand", cover);
        if (cover.Any(s => s.Values.Where(double.IsFinite).DefaultIfEmpty(0).Max() > RunCharts.CoverageCapMonths))
            chart = chart with { YMax = RunCharts.CoverageCapMonths, Title = chart.Title.Replace(")", $"; axis capped at {RunCharts.CoverageCapMonths:0} months)") };
        charts.Add(chart);

        if (a is not null)
        {
            var diff = new List<ChartSeries>
            {
                Diff("price outside China (USD/kg)", a, b, f => f.PriceOutside, 0),
                Diff("price in China (USD/kg)", a, b, f => f.PriceChina, 1),
            };
            charts.Add(Chart("diff_price", $"B − A: {mat} price\nrun by run on the same seeds", "USD/kg, B − A", diff, 0));
            var targets = RunFrame.Targets(b[0].Summary, m);
            var shortDiff = targets.Where(c => b[0].Shortage.ContainsKey(c) && a[0].Shortage.ContainsKey(c))
                .Select(c => Diff(c, a, b, f => f.Shortage[c], Array.IndexOf(m.CountryIds, c))).ToList();
            if (shortDiff.Count > 0)
                charts.Add(Chart("diff_shortage", $"B − A: {mat} shortage\nof the targeted countries", "% of demand, B − A", shortDiff, 0));
        }
        return charts;
    }

    /// <summary>The charts drawn as SVG.</summary>
    public static List<ChartView> Draw(IEnumerable<TimeChart> charts) =>
        charts.Select(c => new ChartView(c.FileStem, c.Title, HtmlCharts.Svg(c, Width, Height))).ToList();

    static List<ChartSeries> ByCountry(Model m, IReadOnlyList<RunFrame> b, IReadOnlyList<RunFrame>? a,
        Func<RunFrame, Dictionary<string, double[]>> pick, Func<ChartSeries, bool> keep)
    {
        var list = new List<ChartSeries>();
        for (int c = 0; c < m.C; c++)
        {
            string id = m.CountryIds[c];
            if (!pick(b[0]).ContainsKey(id)) continue;
            var sb = Line(a is null ? id : $"B: {id}", b, f => pick(f)[id], c);
            var sa = a is not null && pick(a[0]).ContainsKey(id) ? Line($"A: {id}", a, f => pick(f)[id], c, dashed: true) : null;
            if (keep(sb) || (sa is not null && keep(sa)))
            {
                if (sa is not null) list.Add(sa with { Low = null, High = null, Low2 = null, High2 = null });
                list.Add(sb);
            }
        }
        return list;
    }

    /// <summary>One series over one or many runs: the value, or the median with its 5-95% (Low/High) and 25-75% (Low2/High2) bands.</summary>
    public static ChartSeries Line(string label, IReadOnlyList<RunFrame> runs, Func<RunFrame, double[]> pick, int color, bool dashed = false)
    {
        if (runs.Count == 1) return new ChartSeries(label, pick(runs[0]), dashed, ColorIndex: color);
        var (mid, lo, hi, lo2, hi2) = Bands(runs.Select(pick).ToList());
        return new ChartSeries(label, mid, dashed, lo, hi, lo2, hi2, color);
    }

    /// <summary>B − A run by run (pairs on the same seed), as a line or a median with bands.</summary>
    public static ChartSeries Diff(string label, IReadOnlyList<RunFrame> a, IReadOnlyList<RunFrame> b, Func<RunFrame, double[]> pick, int color)
    {
        var diffs = a.Zip(b, (x, y) => pick(y).Zip(pick(x), (vy, vx) => vy - vx).ToArray()).ToList();
        if (diffs.Count == 1) return new ChartSeries(label, diffs[0], ColorIndex: color);
        var (mid, lo, hi, lo2, hi2) = Bands(diffs);
        return new ChartSeries(label, mid, false, lo, hi, lo2, hi2, color);
    }

    static readonly double[] Ps = { 0.05, 0.25, 0.5, 0.75, 0.95 };

    static (double[] Mid, double[] Lo, double[] Hi, double[] Lo2, double[] Hi2) Bands(IReadOnlyList<double[]> runs)
    {
        int T = runs[0].Length;
        var r = new double[5][];
        for (int k = 0; k < 5; k++) r[k] = new double[T];
        var buf = new List<double>(runs.Count);
        for (int t = 0; t < T; t++)
        {
            buf.Clear();
            foreach (var run in runs) if (double.IsFinite(run[t])) buf.Add(run[t]);
            if (buf.Count == 0) { for (int k = 0; k < 5; k++) r[k][t] = double.NaN; continue; }
            var q = Percentiles.Quantiles(buf.ToArray(), Ps);
            for (int k = 0; k < 5; k++) r[k][t] = q[k];
        }
        return (r[2], r[0], r[4], r[1], r[3]);
    }
}
