using ScottPlot;

namespace RareEarth.Reporting;

/// <summary>Renders charts to PNG and SVG with ScottPlot: titles, units, dates on the x axis, legends.</summary>
public static class ChartRenderer
{
    public const int Width = 1000, Height = 560;

    /// <summary>Writes &lt;stem&gt;.png and &lt;stem&gt;.svg into <paramref name="dir"/>; returns the PNG path.</summary>
    public static string Render(TimeChart chart, string dir)
    {
        var plt = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var s in chart.Series)
        {
            var xs = Dates(chart.StartYear, chart.StartMonth, s.Values.Length);
            var color = palette.GetColor(s.ColorIndex ?? i);
            i++;
            if (s.Low is not null && s.High is not null) Band(plt, xs, s.Low, s.High, color.WithAlpha(0.18));
            if (s.Low2 is not null && s.High2 is not null) Band(plt, xs, s.Low2, s.High2, color.WithAlpha(0.35));
            var line = plt.Add.ScatterLine(xs, Clean(s.Values));
            line.LegendText = s.Label;
            line.Color = color;
            line.LineWidth = 2;
            if (s.Dashed) line.LinePattern = LinePattern.Dashed;
        }
        if (chart.ReferenceLine is double r)
        {
            var h = plt.Add.HorizontalLine(r);
            h.LineColor = Colors.Gray; h.LinePattern = LinePattern.Dotted; h.LineWidth = 1;
        }
        plt.Axes.DateTimeTicksBottom();
        plt.Title(chart.Title);
        plt.YLabel(chart.YLabel);
        plt.XLabel(chart.Note ?? "month");
        plt.ShowLegend(Alignment.UpperRight);
        plt.Axes.AutoScale();
        if (plt.Axes.GetLimits().Bottom < 0 && chart.Series.All(s => s.Values.All(v => double.IsNaN(v) || v >= 0)))
            plt.Axes.SetLimitsY(0, plt.Axes.GetLimits().Top);
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, chart.FileStem + ".png");
        plt.SavePng(png, Width, Height);
        plt.SaveSvg(Path.Combine(dir, chart.FileStem + ".svg"), Width, Height);
        return png;
    }

    static void Band(Plot plt, double[] xs, double[] low, double[] high, Color color)
    {
        var fill = plt.Add.FillY(xs, Clean(low), Clean(high));
        fill.FillColor = color;
        fill.LineWidth = 0;
    }

    static double[] Dates(int year, int month, int n)
    {
        var xs = new double[n];
        var d0 = new DateTime(year, month, 1);
        for (int t = 0; t < n; t++) xs[t] = d0.AddMonths(t).ToOADate();
        return xs;
    }

    /// <summary>ScottPlot cannot draw NaN gaps in a fill; carry the last value forward instead (0 at the start).</summary>
    static double[] Clean(double[] v)
    {
        var r = new double[v.Length];
        double last = 0;
        for (int i = 0; i < v.Length; i++) { if (!double.IsNaN(v[i]) && !double.IsInfinity(v[i])) last = v[i]; r[i] = last; }
        return r;
    }
}
