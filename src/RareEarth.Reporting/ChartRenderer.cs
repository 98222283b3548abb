using System.Globalization;
using ScottPlot;

namespace RareEarth.Reporting;

/// <summary>
/// Renders time charts to PNG and SVG with ScottPlot: titles, units, dates on the x axis, the legend outside the
/// data, a vertical line at the shock month, gaps where a series has no value, and small multiples.
/// </summary>
public static class ChartRenderer
{
    public const int Width = ChartCanvas.Width, Height = ChartCanvas.Height;

    /// <summary>Marker shapes for series drawn with markers, so lines that lie on each other stay apart.</summary>
    static readonly MarkerShape[] Shapes =
    {
        MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond,
        MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.FilledTriangleDown, MarkerShape.OpenDiamond,
    };

    /// <summary>Writes &lt;stem&gt;.png and &lt;stem&gt;.svg into <paramref name="dir"/>; returns the PNG path.</summary>
    public static string Render(TimeChart chart, string dir)
    {
        if (chart.Panels is { Count: > 0 } panels)
        {
            var plots = PanelPlots(chart);
            int panelHeight = ChartCanvas.Grid(panels.Count).Columns == 1 ? Math.Max(180, 500 / panels.Count) : 230;
            return ChartCanvas.SaveGrid(chart.Title, plots, dir, chart.FileStem, panelHeight);
        }
        return ChartCanvas.Save(Build(chart), dir, chart.FileStem);
    }

    /// <summary>The plot of a single-panel chart (not yet saved): lines, bands, markers, shock line, legend on the right outside the data.</summary>
    public static Plot Build(TimeChart chart)
    {
        var plt = ChartFonts.NewPlot();
        Draw(plt, chart, chart.Series);
        plt.Title(chart.Title);
        ChartFonts.BoldTitle(plt);
        plt.YLabel(chart.YLabel);
        plt.XLabel(chart.Note ?? "month");
        var items = LegendItems(chart.Series).ToList();
        if (Shock(chart) is int shock)
            items.Add(new LegendItem { LabelText = $"shock {chart.Date(shock):yyyy-MM}", LabelFontName = ChartFonts.Name, LineColor = ShockColor, LineWidth = 1.5f, LinePattern = LinePattern.Dashed });
        if (items.Count > 0)
        {
            plt.Legend.ManualItems.AddRange(items);
            plt.ShowLegend(Edge.Right);
        }
        Limits(plt, chart, chart.Series);
        return plt;
    }

    /// <summary>The plots of a chart of small multiples, one per panel, on the same x and y ranges.</summary>
    public static List<Plot> PanelPlots(TimeChart chart)
    {
        var panels = chart.Panels!;
        var all = panels.SelectMany(p => p.Series).ToList();
        var plots = new List<Plot>();
        var (rows, cols) = ChartCanvas.Grid(panels.Count);
        for (int i = 0; i < panels.Count; i++)
        {
            var plt = ChartFonts.NewPlot();
            Draw(plt, chart, panels[i].Series);
            plt.Title(panels[i].Title, size: 14);
            ChartFonts.BoldTitle(plt);
            if (i % cols == 0) plt.YLabel(chart.YLabel, size: 13);
            string xlabel = (chart.Note ?? "month") + (Shock(chart) is int shock ? $" (red dashes: shock {chart.Date(shock):yyyy-MM})" : "");
            if (i + cols >= panels.Count) plt.XLabel(xlabel, size: 13);
            Limits(plt, chart, all);
            plots.Add(plt);
        }
        return plots;
    }

    static void Draw(Plot plt, TimeChart chart, IReadOnlyList<ChartSeries> series)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var xs = Dates(chart, s.Values.Length);
            var color = palette.GetColor(s.ColorIndex ?? i);
            if (s.Low is not null && s.High is not null) Band(plt, xs, s.Low, s.High, color.WithAlpha(0.18));
            if (s.Low2 is not null && s.High2 is not null) Band(plt, xs, s.Low2, s.High2, color.WithAlpha(0.35));
            foreach (var (from, length) in Runs(s.Values))
            {
                if (length == 1 && !s.Markers)
                {
                    // a month on its own between gaps: a dot, since a line needs two points
                    plt.Add.Markers(new[] { xs[from] }, new[] { s.Values[from] }, MarkerShape.FilledCircle, 5, color);
                    continue;
                }
                var line = plt.Add.ScatterLine(xs[from..(from + length)], s.Values[from..(from + length)]);
                line.Color = color;
                line.LineWidth = 2;
                if (s.Dashed) line.LinePattern = LinePattern.Dashed;
            }
            if (s.Markers)
            {
                var idx = Enumerable.Range(0, s.Values.Length).Where(t => double.IsFinite(s.Values[t]) && s.Values[t] != 0).ToArray();
                if (idx.Length > 0) plt.Add.Markers(idx.Select(t => xs[t]).ToArray(), idx.Select(t => s.Values[t]).ToArray(), Shapes[i % Shapes.Length], 7, color);
            }
        }
        if (chart.ReferenceLine is double r)
        {
            var h = plt.Add.HorizontalLine(r);
            h.LineColor = Colors.Gray; h.LinePattern = LinePattern.Dotted; h.LineWidth = 1;
        }
        if (Shock(chart) is int shock)
        {
            var v = plt.Add.VerticalLine(chart.Date(shock).ToOADate());
            v.LineColor = ShockColor;
            v.LinePattern = LinePattern.Dashed;
            v.LineWidth = 1.5f;
        }
        plt.Axes.DateTimeTicksBottom();
        int shown = (chart.Window?.To ?? ChartLength(chart) - 1) - (chart.Window?.From ?? 0);
        if (plt.Axes.Bottom.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic dates)
            dates.LabelFormatter = shown > 96 ? d => d.ToString("yyyy", CultureInfo.InvariantCulture) : d => d.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        plt.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Number };
        ChartFonts.Apply(plt);
    }

    /// <summary>Legend entries that show each series as drawn: colour, dashes, marker.</summary>
    static IEnumerable<LegendItem> LegendItems(IReadOnlyList<ChartSeries> series)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            if (s.Label.Length == 0) continue;
            var color = palette.GetColor(s.ColorIndex ?? i);
            yield return new LegendItem
            {
                LabelText = s.Label, LabelFontName = ChartFonts.Name, LineColor = color, LineWidth = 2,
                LinePattern = s.Dashed ? LinePattern.Dashed : LinePattern.Solid,
                MarkerShape = s.Markers ? Shapes[i % Shapes.Length] : MarkerShape.None, MarkerSize = 7, MarkerColor = color,
            };
        }
    }

    /// <summary>Axis limits: the window or the whole horizon; y from 0 for non-negative data, capped at YMax.</summary>
    static void Limits(Plot plt, TimeChart chart, IReadOnlyList<ChartSeries> series)
    {
        int from = 0, to = ChartLength(chart) - 1;
        if (chart.Window is { } w) (from, to) = (w.From, w.To);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var s in series)
            foreach (var a in new[] { s.Values, s.Low, s.High })
                if (a is not null)
                    for (int t = from; t <= to && t < a.Length; t++)
                        if (double.IsFinite(a[t])) { lo = Math.Min(lo, a[t]); hi = Math.Max(hi, a[t]); }
        if (chart.ReferenceLine is double r) { lo = Math.Min(lo, r); hi = Math.Max(hi, r); }
        if (!double.IsFinite(lo)) (lo, hi) = (0, 1);
        if (lo >= 0) lo = 0;
        if (chart.YMax is double cap) hi = Math.Min(hi, cap);
        if (hi <= lo) hi = lo + 1;
        double pad = (hi - lo) * 0.05;
        plt.Axes.SetLimitsX(chart.Date(from).AddDays(-15).ToOADate(), chart.Date(to).AddDays(15).ToOADate());
        plt.Axes.SetLimitsY(lo < 0 ? lo - pad : 0, hi + pad);
    }

    static readonly Color ShockColor = Colors.DarkRed.WithAlpha(0.8);

    /// <summary>The shock month when the chart has one inside its horizon.</summary>
    static int? Shock(TimeChart chart) => chart.ShockMonth is int s && s >= 0 && s < ChartLength(chart) ? s : null;

    static int ChartLength(TimeChart chart) =>
        (chart.Panels?.SelectMany(p => p.Series) ?? chart.Series).Select(s => s.Values.Length).DefaultIfEmpty(1).Max();

    /// <summary>The runs of consecutive finite values of a series: (first index, length).</summary>
    public static IEnumerable<(int From, int Length)> Runs(double[] v)
    {
        int start = -1;
        for (int i = 0; i <= v.Length; i++)
        {
            bool ok = i < v.Length && double.IsFinite(v[i]);
            if (ok && start < 0) start = i;
            else if (!ok && start >= 0) { yield return (start, i - start); start = -1; }
        }
    }

    /// <summary>A band between two series, drawn only where both have values (gaps stay gaps).</summary>
    static void Band(Plot plt, double[] xs, double[] low, double[] high, Color color)
    {
        var both = low.Zip(high, (l, h) => double.IsFinite(l) && double.IsFinite(h) ? 0 : double.NaN).ToArray();
        foreach (var (from, length) in Runs(both))
        {
            if (length < 2) continue;
            var fill = plt.Add.FillY(xs[from..(from + length)], low[from..(from + length)], high[from..(from + length)]);
            fill.FillColor = color;
            fill.LineWidth = 0;
        }
    }

    static double[] Dates(TimeChart chart, int n)
    {
        var xs = new double[n];
        for (int t = 0; t < n; t++) xs[t] = chart.Date(t).ToOADate();
        return xs;
    }
}
