using RareEarth.Runner.Output;
using ScottPlot;

namespace RareEarth.Reporting;

/// <summary>
/// The run's resilience chart (resilience.png/.svg): one stacked bar per disruption with a positive recovery, its recovery
/// split by mechanism as % of the recovered tonnes (<see cref="ResilienceBuilder"/>), so small and large materials compare;
/// parts that worked against the recovery stack below zero, so the bar's net height is 100%. Labels give the material, the
/// start month and the months to recover.
/// </summary>
public static class ResilienceChart
{
    public const string FileStem = "resilience";

    /// <summary>The disruptions drawn: those with a positive recovery (shares defined).</summary>
    public static List<Disruption> Drawn(ResilienceSummary res) => res.Disruptions.Where(d => d.Shares is not null).ToList();

    /// <summary>The bars' segments, % of the recovery: [disruption][mechanism] = (base, top), positive parts stacked up from 0, negative ones down.</summary>
    public static (double Base, double Top)[][] Segments(IReadOnlyList<Disruption> disruptions)
    {
        var result = new (double, double)[disruptions.Count][];
        for (int i = 0; i < disruptions.Count; i++)
        {
            var t = disruptions[i].Shares!;
            double up = 0, down = 0;
            result[i] = new (double, double)[ResilienceBuilder.MechanismNames.Length];
            for (int k = 0; k < result[i].Length; k++)
            {
                double v = 100 * t[k];
                if (v >= 0) { result[i][k] = (up, up + v); up += v; }
                else { result[i][k] = (down + v, down); down += v; }
            }
        }
        return result;
    }

    public static string Label(Disruption d) =>
        $"{d.Material} {d.Start} " + (d.RecoveryMonths is int n ? $"({n} mo)" : "(not recovered)");

    public static Plot Build(ResilienceSummary res)
    {
        var plt = ChartFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var d = Drawn(res);
        var segments = Segments(d);
        var bars = new List<Bar>();
        for (int i = 0; i < d.Count; i++)
            for (int k = 0; k < segments[i].Length; k++)
                if (segments[i][k].Top > segments[i][k].Base)
                    bars.Add(new Bar { Position = i, ValueBase = segments[i][k].Base, Value = segments[i][k].Top, FillColor = palette.GetColor(k), Size = 0.7 });
        plt.Add.Bars(bars);
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(d.Select((x, i) => new Tick(i, Label(x))).ToArray());
        plt.Axes.Bottom.TickLabelStyle.FontSize = 10;
        if (d.Count > 3)
        {
            // slanted labels, their ends under their bars, with room below the axis
            plt.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plt.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plt.Axes.Bottom.MinimumSize = 130;
        }
        plt.Axes.Bottom.MajorTickStyle.Length = 0;
        for (int k = 0; k < ResilienceBuilder.MechanismNames.Length; k++)
            plt.Legend.ManualItems.Add(new LegendItem { LabelText = ResilienceBuilder.MechanismNames[k].Replace('_', ' '), LabelFontName = ChartFonts.Name, FillColor = palette.GetColor(k) });
        plt.ShowLegend(Edge.Right);
        plt.Title("Where the recovery from each disruption came from");
        ChartFonts.BoldTitle(plt);
        plt.YLabel("% of the tonnes recovered (run - counterfactual)");
        plt.XLabel("disruption (material, start, months to recover)");
        plt.Add.HorizontalLine(0, 1, Colors.Gray);
        var full = plt.Add.HorizontalLine(100, 1, Colors.Black);
        full.LinePattern = LinePattern.Dashed;
        return plt;
    }

    /// <summary>Writes resilience.png and .svg into <paramref name="dir"/>; null when the run has no disruption with a positive recovery.</summary>
    public static string? Render(ResilienceSummary? res, string dir) =>
        res is not null && Drawn(res).Count > 0 ? ChartCanvas.Save(Build(res), dir, FileStem) : null;
}
