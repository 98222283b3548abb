using System.Globalization;
using System.Text;
using RareEarth.Runner.Recording;
using ScottPlot;

namespace RareEarth.Reporting;

/// <summary>One observed value from history: month, metric, material, country, partner, value, unit, source.</summary>
public sealed record HistoryPoint(string Month, string Metric, string Material, string Country, string Partner, double Value, string Unit, string Source, string Use);

/// <summary>
/// Puts a run next to history it can be compared with: one chart per series (model line, history
/// points) and a markdown table. History files are CSV with the columns
/// month,metric,material,country,partner,value,unit,use,source (use = calibration or validation).
/// </summary>
public static class HistoryComparison
{
    public static List<HistoryPoint> Read(string path) =>
        Runner.Output.HistoryCsv.Read(path)
            .Select(r => new HistoryPoint(r.Fields[0], r.Fields[1], r.Fields[2], r.Fields[3], r.Fields[4], r.Value, r.Fields[6], r.Fields[8], r.Fields[7]))
            .ToList();

    /// <summary>The model's value for a history point's series at month t (NaN if the series is unknown).</summary>
    public static double ModelValue(SeriesRecorder r, HistoryPoint h, int t)
    {
        var m = r.Model;
        int c = m.IndexOfCountry(h.Country), p = m.IndexOfCountry(h.Partner);
        var materials = h.Material == "reo"
            ? Enumerable.Range(0, m.M).Where(i => m.ReoContent[i] > 0).ToArray()
            : new[] { m.IndexOfMaterial(h.Material) };
        if (materials.Any(i => i < 0)) return double.NaN;
        switch (h.Metric)
        {
            case "price":
                int reg = Array.IndexOf(m.RegionIds, h.Country);
                return reg < 0 ? double.NaN : r.PriceAt(t, materials[0], reg);
            case "exports":
                if (c < 0) return double.NaN;
                return materials.Sum(mat => p >= 0 ? r.TradeAt(t, c, mat, p) * Reo(m, mat, h) : r.Exports(t, c, mat) * Reo(m, mat, h));
            case "imports":
                if (c < 0) return double.NaN;
                return materials.Sum(mat => p >= 0 ? r.TradeAt(t, p, mat, c) * Reo(m, mat, h) : r.Imports(t, c, mat) * Reo(m, mat, h));
            default:
                return double.NaN;
        }
    }

    static double Reo(RareEarth.Engine.Model m, int mat, HistoryPoint h) => h.Material == "reo" ? m.ReoContent[mat] : 1;

    static string Key(HistoryPoint h) => $"{h.Metric}_{h.Material}_{h.Country}" + (h.Partner.Length > 0 ? $"_from_{h.Partner}" : "");

    /// <summary>Writes one PNG/SVG per series and returns a markdown table of model against history.</summary>
    public static string Write(SeriesRecorder r, IReadOnlyList<HistoryPoint> history, string dir, string title)
    {
        var m = r.Model;
        Directory.CreateDirectory(dir);
        var md = new StringBuilder();
        md.AppendLine($"| series | month | history | model | model / history | use | source |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var group in history.GroupBy(Key))
        {
            var first = group.First();
            var plt = ChartFonts.NewPlot();
            var xs = new double[m.Months];
            var ys = new double[m.Months];
            for (int t = 0; t < m.Months; t++)
            {
                var ym = m.MonthLabel(t);
                xs[t] = new DateTime(int.Parse(ym[..4]), int.Parse(ym[5..]), 1).ToOADate();
                ys[t] = ModelValue(r, first, t);
            }
            // months where the model has no value for this series are left out, not drawn as zero
            var known = Enumerable.Range(0, m.Months).Where(t => double.IsFinite(ys[t])).ToArray();
            var line = plt.Add.ScatterLine(known.Select(t => xs[t]).ToArray(), known.Select(t => ys[t]).ToArray());
            line.LegendText = "model";
            line.LineWidth = 2;
            foreach (var use in new[] { "calibration", "validation" })
            {
                var pts = group.Where(h => h.Use == use).ToList();
                if (pts.Count == 0) continue;
                var hx = pts.Select(h => new DateTime(int.Parse(h.Month[..4]), int.Parse(h.Month[5..]), 15).ToOADate()).ToArray();
                var sc = plt.Add.ScatterPoints(hx, pts.Select(h => h.Value).ToArray());
                sc.LegendText = $"history ({use})";
                sc.MarkerSize = 9;
                sc.MarkerShape = use == "calibration" ? MarkerShape.OpenCircle : MarkerShape.FilledSquare;
            }
            plt.Axes.DateTimeTicksBottom();
            plt.Title($"{title}: {first.Metric} {first.Material} {first.Country}{(first.Partner.Length > 0 ? " from " + first.Partner : "")}");
            plt.YLabel(first.Unit);
            plt.XLabel("month");
            plt.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Number };
            plt.ShowLegend(Edge.Right);
            ChartFonts.Apply(plt);
            ChartFonts.BoldTitle(plt);
            ChartCanvas.Save(plt, dir, "history_" + Key(first));
            foreach (var h in group)
            {
                int t = MonthIndex(m, h.Month);
                double mv = t >= 0 ? ModelValue(r, h, t) : double.NaN;
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {Key(h)} | {h.Month} | {h.Value:G4} {h.Unit} | {mv:G4} | {(h.Value != 0 ? mv / h.Value : double.NaN):F2} | {h.Use} | {h.Source} |"));
            }
        }
        return md.ToString();
    }

    static int MonthIndex(RareEarth.Engine.Model m, string label)
    {
        for (int t = 0; t < m.Months; t++) if (m.MonthLabel(t) == label) return t;
        return -1;
    }
}
