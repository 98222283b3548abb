using ScottPlot;

namespace RareEarth.Reporting;

/// <summary>One parameter's Sobol indices for a bar chart: first and total order with their confidence bounds.</summary>
public sealed record SobolBar(string Parameter, double S1, double S1Low, double S1High, double ST, double STLow, double STHigh);

/// <summary>One line of a sweep response chart: grid values, and the median and 5-95% range of a metric at each.</summary>
public sealed record SweepLine(string Label, double[] X, double[] Median, double[] Low, double[] High);

/// <summary>The charts of a batch report that are not time charts: Sobol bars and the PRIM scatter.</summary>
public static class BatchCharts
{
    /// <summary>
    /// Grouped bars per parameter: first order (S1) and total order (ST), with asymmetric error bars for the
    /// bootstrap confidence interval. Writes &lt;stem&gt;.png and .svg; returns the PNG path.
    /// </summary>
    public static string SobolBars(string dir, string stem, string title, IReadOnlyList<SobolBar> bars) =>
        GroupedBars(dir, stem, title, "Sobol index (95% bootstrap interval)", bars.Select(b => Wrap(b.Parameter)).ToList(),
            new[] { "first order S1", "total order ST" },
            new[] { bars.Select(b => new[] { b.S1Low, b.S1, b.S1High }).ToList(), bars.Select(b => new[] { b.STLow, b.ST, b.STHigh }).ToList() },
            yRange: (0, 1.05));

    /// <summary>
    /// Runs as points in the plane of two parameters, cases of interest in colour, the PRIM box's limits on
    /// these two parameters drawn as a rectangle.
    /// </summary>
    public static string PrimScatter(string dir, string stem, string title, string xName, string yName,
        double[] xs, double[] ys, bool[] cases, (double Low, double High) xBox, (double Low, double High) yBox)
    {
        var plt = ChartFonts.NewPlot();
        var caseColor = new ScottPlot.Palettes.Category10().GetColor(3);
        var otherColor = Colors.Gray.WithAlpha(0.5);
        var (cx, cy, ox, oy) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (int i = 0; i < xs.Length; i++)
        {
            if (cases[i]) { cx.Add(xs[i]); cy.Add(ys[i]); }
            else { ox.Add(xs[i]); oy.Add(ys[i]); }
        }
        if (ox.Count > 0)
        {
            var m = plt.Add.Markers(ox.ToArray(), oy.ToArray(), MarkerShape.FilledCircle, 4, otherColor);
            m.LegendText = $"other runs ({ox.Count})";
        }
        if (cx.Count > 0)
        {
            var m = plt.Add.Markers(cx.ToArray(), cy.ToArray(), MarkerShape.FilledCircle, 5, caseColor);
            m.LegendText = $"cases of interest ({cx.Count})";
        }
        var rect = plt.Add.Rectangle(xBox.Low, xBox.High, yBox.Low, yBox.High);
        rect.FillColor = caseColor.WithAlpha(0.08);
        rect.LineColor = Colors.Black;
        rect.LineWidth = 2;
        rect.LegendText = "PRIM box";
        plt.Title(title);
        plt.XLabel(xName);
        plt.YLabel(yName);
        plt.ShowLegend(Edge.Right);
        plt.Axes.AutoScale();
        return Save(plt, dir, stem);
    }

    /// <summary>
    /// Bars per category for several groups side by side (e.g. costs per country under policy A and B), each bar the
    /// median with an error bar from the 5th to the 95th percentile. <paramref name="values"/>[group][category] is
    /// (p05, p50, p95). Writes &lt;stem&gt;.png and .svg; returns the PNG path.
    /// </summary>
    /// <param name="yRange">When given, the y axis shows at least this range.</param>
    public static string GroupedBars(string dir, string stem, string title, string yLabel, IReadOnlyList<string> categories,
        IReadOnlyList<string> groups, IReadOnlyList<IReadOnlyList<double[]>> values, (double Low, double High)? yRange = null)
    {
        var plt = ChartFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var ex = new List<double>(); var ey = new List<double>(); var eNeg = new List<double>(); var ePos = new List<double>();
        int width = groups.Count + 1;
        for (int c = 0; c < categories.Count; c++)
        {
            for (int g = 0; g < groups.Count; g++)
            {
                var q = values[g][c];
                double x = c * width + g;
                bars.Add(new Bar { Position = x, Value = Finite(q[1]), FillColor = palette.GetColor(g), Size = 0.9 });
                if (double.IsFinite(q[0]) && double.IsFinite(q[1]) && double.IsFinite(q[2]))
                { ex.Add(x); ey.Add(q[1]); eNeg.Add(Math.Max(0, q[1] - q[0])); ePos.Add(Math.Max(0, q[2] - q[1])); }
            }
            ticks.Add(new Tick(c * width + (groups.Count - 1) / 2.0, categories[c]));
        }
        plt.Add.Bars(bars);
        if (ex.Count > 0)
        {
            var zeros = new double[ex.Count];
            plt.Add.Plottable(new ScottPlot.Plottables.ErrorBar(ex, ey, zeros, zeros, ePos, eNeg) { LineColor = Colors.Black, LineWidth = 1.5f, CapSize = 4 });
        }
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plt.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plt.Axes.Bottom.TickLabelStyle.Rotation = categories.Count > 8 ? 30 : 0;
        plt.Axes.Bottom.MajorTickStyle.Length = 0;
        for (int g = 0; g < groups.Count; g++) plt.Legend.ManualItems.Add(new LegendItem { LabelText = groups[g], LabelFontName = ChartFonts.Name, FillColor = palette.GetColor(g) });
        plt.ShowLegend(Edge.Right);
        plt.Title(title);
        plt.YLabel(yLabel);
        plt.Axes.AutoScale();
        if (yRange is { } r)
        {
            var lim = plt.Axes.GetLimits();
            plt.Axes.SetLimitsY(Math.Min(r.Low, lim.Bottom), Math.Max(r.High, lim.Top));
        }
        return Save(plt, dir, stem);
    }

    /// <summary>
    /// How a metric responds to a swept parameter: per line (one per value of a second swept parameter, or a
    /// single line), the median over the replications at each grid value with markers, and a band from the
    /// 5th to the 95th percentile. Writes &lt;stem&gt;.png and .svg; returns the PNG path.
    /// </summary>
    /// <param name="unit">The unit of the values as plotted ("%", "USD", "months", "× pre-shock"): tick labels carry it, with SI prefixes where large.</param>
    public static string SweepResponse(string dir, string stem, string title, string xName, string yLabel, IReadOnlyList<SweepLine> lines, string unit = "")
    {
        var plt = ChartFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            var color = palette.GetColor(i);
            if (l.X.Length > 1)
            {
                var fill = plt.Add.FillY(l.X, l.Low.Select(Finite).ToArray(), l.High.Select(Finite).ToArray());
                fill.FillColor = color.WithAlpha(0.15);
                fill.LineWidth = 0;
            }
            var line = plt.Add.Scatter(l.X, l.Median.Select(Finite).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = l.Label;
        }
        plt.Title(title);
        plt.XLabel(xName);
        plt.YLabel(yLabel);
        plt.ShowLegend(Edge.Right);
        plt.Axes.AutoScale();
        if (plt.Axes.GetLimits().Bottom < 0 && lines.All(l => l.Low.All(v => !double.IsFinite(v) || v >= 0)))
            plt.Axes.SetLimitsY(0, plt.Axes.GetLimits().Top);
        var lim = plt.Axes.GetLimits();
        plt.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Ticks(lim.Bottom, lim.Top, unit) };
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Number };
        return Save(plt, dir, stem);
    }

    /// <summary>
    /// One small panel per category (e.g. per country), each on its own scale so small values stay readable next
    /// to a large one: a bar per group (median, error bar 5th-95th percentile) labelled with its value in
    /// <paramref name="unit"/> with an SI prefix ("75.2 bn USD"). Panels are sorted by the largest median, largest
    /// first. <paramref name="values"/>[group][category] is (p05, p50, p95). Writes &lt;stem&gt;.png and .svg.
    /// </summary>
    public static string PanelBars(string dir, string stem, string title, string unit, IReadOnlyList<string> categories,
        IReadOnlyList<string> groups, IReadOnlyList<IReadOnlyList<double[]>> values)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var order = Enumerable.Range(0, categories.Count)
            .OrderByDescending(c => groups.Select((_, g) => Math.Abs(Finite(values[g][c][1]))).Max()).ToList();
        var plots = new List<Plot>();
        foreach (int c in order)
        {
            var plt = ChartFonts.NewPlot();
            double lo = 0, hi = 0;
            for (int g = 0; g < groups.Count; g++)
            {
                var q = values[g][c];
                double v = Finite(q[1]);
                var bar = plt.Add.Bar(new Bar { Position = g, Value = v, FillColor = palette.GetColor(g), Size = 0.7 });
                bar.ValueLabelStyle.FontName = ChartFonts.Name;
                if (double.IsFinite(q[0]) && double.IsFinite(q[2]))
                {
                    var zero = new double[] { 0 };
                    plt.Add.Plottable(new ScottPlot.Plottables.ErrorBar(new double[] { g }, new[] { v }, zero, zero, new[] { Math.Max(0, q[2] - v) }, new[] { Math.Max(0, v - q[0]) })
                        { LineColor = Colors.Black, LineWidth = 1.5f, CapSize = 6 });
                    lo = Math.Min(lo, q[0]); hi = Math.Max(hi, q[2]);
                }
                lo = Math.Min(lo, v); hi = Math.Max(hi, v);
            }
            // the value of each bar as text above (below, for negative values) its error bar
            double span = Math.Max(hi - lo, 1e-9);
            for (int g = 0; g < groups.Count; g++)
            {
                var q = values[g][c];
                double v = Finite(q[1]);
                double at = v >= 0 ? Math.Max(v, Finite(q[2])) + span * 0.04 : Math.Min(v, Finite(q[0])) - span * 0.04;
                var text = plt.Add.Text(ChartFormat.Format(v, unit), g, at);
                text.LabelFontName = ChartFonts.Name;
                text.LabelFontSize = 12;
                text.LabelAlignment = v >= 0 ? Alignment.LowerCenter : Alignment.UpperCenter;
            }
            plt.Title(categories[c], size: 14);
            plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(groups.Select((name, g) => new Tick(g, name)).ToArray());
            plt.Axes.Bottom.MajorTickStyle.Length = 0;
            plt.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
            plt.Axes.SetLimitsY(lo < 0 ? lo - span * 0.2 : 0, hi > 0 ? hi + span * 0.2 : 0 + span * 0.05);
            var lim = plt.Axes.GetLimits();
            plt.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Ticks(lim.Bottom, lim.Top, unit), MaxTickCount = 5 };
            ChartFonts.Apply(plt);
            ChartFonts.BoldTitle(plt);
            plots.Add(plt);
        }
        return ChartCanvas.SaveGrid(title, plots, dir, stem, panelHeight: 220);
    }

    static string Save(Plot plt, string dir, string stem)
    {
        ChartFonts.Apply(plt);
        ChartFonts.BoldTitle(plt);
        return ChartCanvas.Save(plt, dir, stem);
    }

    static double Finite(double v) => double.IsFinite(v) ? v : 0;

    /// <summary>Long dotted parameter paths break at their last dot so tick labels stay readable.</summary>
    public static string Wrap(string name)
    {
        if (name.Length <= 18) return name;
        int dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] + "\n" + name[(dot + 1)..] : name;
    }
}
