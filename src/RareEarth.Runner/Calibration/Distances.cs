namespace RareEarth.Runner.Calibration;

/// <summary>
/// Distances between a model series and a target's history points, each dimensionless and 0 for a perfect fit
/// (definitions in docs/calibration.md). A target month outside the run's horizon makes the distance NaN.
/// </summary>
public static class Distances
{
    /// <summary>Months of the peak-timing scale: a peak 6 months off counts as much as a level off by a factor e.</summary>
    public const double PeakMonthScale = 6;

    /// <summary>Model values below this share of the history value count as this share (a zero would make ln infinite).</summary>
    public const double Floor = 1e-3;

    /// <summary>Month index of a YYYY-MM label in a run starting at (year, month), possibly outside the horizon.</summary>
    public static int MonthIndex(int startYear, int startMonth, string label) =>
        (int.Parse(label[..4]) - startYear) * 12 + int.Parse(label[5..]) - startMonth;

    /// <summary>The distance of one target; <paramref name="index"/> maps the target's months to indexes of <paramref name="model"/>.</summary>
    public static double Of(CalibrationTarget target, ReadOnlySpan<double> model, Func<string, int> index)
    {
        var pts = target.Points;
        int n = pts.Count;
        Span<double> m = stackalloc double[n];
        for (int i = 0; i < n; i++)
        {
            int t = index(pts[i].Month);
            if (t < 0 || t >= model.Length || !double.IsFinite(model[t])) return double.NaN;
            m[i] = model[t];
        }
        switch (target.Distance)
        {
            case DistanceKind.LogRatio:
            {
                double s = 0;
                for (int i = 0; i < n; i++) { double r = LogRatio(m[i], pts[i].Value); s += r * r; }
                return Math.Sqrt(s / n);
            }
            case DistanceKind.Share:
            {
                double mm = 0, hm = 0;
                for (int i = 0; i < n; i++) { mm += m[i]; hm += pts[i].Value; }
                mm /= n; hm /= n;
                double s = 0;
                for (int i = 0; i < n; i++) s += Math.Abs((mm > 0 ? m[i] / mm : 0) - pts[i].Value / hm);
                return s / n;
            }
            default:
            {
                // the peak within the points' span, month by month for the model, point by point for history
                int from = index(pts[0].Month), to = index(pts[^1].Month);
                int hp = 0;
                for (int i = 1; i < n; i++) if (pts[i].Value > pts[hp].Value) hp = i;
                int mp = from;
                for (int t = from; t <= to; t++) if (model[t] > model[mp]) mp = t;
                return target.Distance == DistanceKind.PeakMonth
                    ? Math.Abs(mp - index(pts[hp].Month)) / PeakMonthScale
                    : Math.Abs(LogRatio(model[mp], pts[hp].Value));
            }
        }
    }

    /// <summary>ln(model / history), with the model floored at <see cref="Floor"/> of history.</summary>
    public static double LogRatio(double model, double history) => Math.Log(Math.Max(model, Floor * history) / history);

    /// <summary>The total distance: the weighted root mean square of the targets' distances (NaN if any is NaN).</summary>
    public static double Total(ReadOnlySpan<double> distances, IReadOnlyList<double> weights)
    {
        double s = 0, w = 0;
        for (int k = 0; k < distances.Length; k++) { s += weights[k] * distances[k] * distances[k]; w += weights[k]; }
        return Math.Sqrt(s / w);
    }
}
