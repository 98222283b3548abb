using System.Text;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace RareEarth.Reporting;

/// <summary>
/// A time chart as an SVG text, for HTML pages (the workbench, report.html): the same ScottPlot drawing as the
/// PNG/SVG files of <see cref="ChartRenderer"/>, written to memory instead of a folder. One chart implementation.
/// </summary>
public static partial class HtmlCharts
{
    /// <summary>The chart as a standalone &lt;svg&gt; element (no XML declaration), ready to put inline in HTML.</summary>
    public static string Svg(TimeChart chart, int width = ChartCanvas.Width, int height = ChartCanvas.Height)
    {
        using var stream = new MemoryStream();
        if (chart.Panels is { Count: > 0 } panels)
        {
            var plots = ChartRenderer.PanelPlots(chart);
            var (rows, cols) = ChartCanvas.Grid(panels.Count);
            int panelHeight = cols == 1 ? Math.Max(180, 500 / panels.Count) : 230;
            int h = 44 + rows * panelHeight;
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, h), stream))
                ChartCanvas.Draw(canvas, chart.Title, plots, rows, cols, h);
        }
        else
        {
            var plt = ChartRenderer.Build(chart);
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
                plt.Render(canvas, width, height);
        }
        return Inline(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>
    /// Makes an SVG document fit inline: drops the XML declaration, and lets the browser scale it (a viewBox, width 100%).
    /// </summary>
    public static string Inline(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start > 0) svg = svg[start..];
        var m = SizeAttributes().Match(svg);
        if (m.Success && !svg[..svg.IndexOf('>')].Contains("viewBox", StringComparison.Ordinal))
            svg = svg[..m.Index] + $"width=\"100%\" viewBox=\"0 0 {m.Groups[1].Value} {m.Groups[2].Value}\" preserveAspectRatio=\"xMidYMid meet\"" + svg[(m.Index + m.Length)..];
        return svg;
    }

    [GeneratedRegex("width=\"([0-9.]+)\" height=\"([0-9.]+)\"")]
    private static partial Regex SizeAttributes();
}
