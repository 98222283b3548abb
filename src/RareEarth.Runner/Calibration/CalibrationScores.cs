using RareEarth.Analysis;
using RareEarth.Runner.Store;

namespace RareEarth.Runner.Calibration;

/// <summary>
/// How a batch of calibration runs (a store with the calibration layout) does against the targets: bands per
/// series and month, and per target the median distance, the coverage of the 90% band, the log-RMSE of the median
/// and the median's peak against history's.
/// </summary>
public static class CalibrationScores
{
    /// <summary>Scores of every target (targets-file order), from the store's bands.</summary>
    public static TargetScore[] Scores(BatchStore store, CalibrationSetup setup, Band[]? bands = null)
    {
        bands ??= Bands(store, setup);
        return setup.Targets.Targets.Select((t, k) => Score(store, setup, t, bands[setup.SeriesOf[k]])).ToArray();
    }

    /// <summary>Type-7 quantiles per month over the store's ok runs, from the stored series (4 significant digits).</summary>
    public static Band[] Bands(BatchStore store, CalibrationSetup setup)
    {
        int T = setup.Months, S = setup.Series.Count;
        var values = Enumerable.Range(0, S * T).Select(_ => new List<double>()).ToArray();
        foreach (var row in store.Rows("SELECT v.series_id, v.monthly FROM series_values v JOIN runs r USING (run_index) WHERE r.status = 'ok'"))
        {
            int s = Convert.ToInt32(row[0]);
            var monthly = (List<double>)row[1]!;
            for (int t = 0; t < T && t < monthly.Count; t++) if (!double.IsNaN(monthly[t])) values[s * T + t].Add(monthly[t]);
        }
        var bands = new Band[S];
        for (int s = 0; s < S; s++)
        {
            var b = new Band(new double[T], new double[T], new double[T]);
            for (int t = 0; t < T; t++)
            {
                var v = values[s * T + t];
                if (v.Count == 0) { b.P05[t] = b.P50[t] = b.P95[t] = double.NaN; continue; }
                v.Sort();
                var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(v);
                b.P05[t] = Percentiles.Quantile(span, 0.05); b.P50[t] = Percentiles.Quantile(span, 0.5); b.P95[t] = Percentiles.Quantile(span, 0.95);
            }
            bands[s] = b;
        }
        return bands;
    }

    /// <summary>
    /// A batch's score on a target: the median over runs of the target's distance; the share of history points inside
    /// the 5-95% band (coverage of the 90% band); the RMS of ln(median / history); the model median's peak over the
    /// points' span against history's largest point (ratio and months late, + = model later).
    /// </summary>
    public static TargetScore Score(BatchStore store, CalibrationSetup setup, CalibrationTarget t, Band band)
    {
        var col = BatchStore.Q(CalibrationSetup.MetricName(t));
        var ds = store.Rows($"SELECT {col} FROM runs WHERE status = 'ok' AND {col} IS NOT NULL").Select(r => (double)r[0]!).Where(double.IsFinite).OrderBy(x => x).ToArray();
        double median = ds.Length > 0 ? Percentiles.Quantile(ds, 0.5) : double.NaN;
        int inside = 0;
        double sq = 0;
        foreach (var p in t.Points)
        {
            int i = setup.MonthIndex(p.Month);
            if (p.Value >= band.P05[i] && p.Value <= band.P95[i]) inside++;
            double r = Distances.LogRatio(band.P50[i], p.Value);
            sq += r * r;
        }
        int from = setup.MonthIndex(t.Points[0].Month), to = setup.MonthIndex(t.Points[^1].Month);
        int mp = from;
        for (int i = from; i <= to; i++) if (band.P50[i] > band.P50[mp]) mp = i;
        var hp = t.Points.MaxBy(p => p.Value)!;
        int hpi = setup.MonthIndex(hp.Month);
        return new TargetScore(median, (double)inside / t.Points.Count, Math.Sqrt(sq / t.Points.Count), band.P50[mp] / hp.Value, mp - hpi,
            CalibrationResults.MonthLabel(setup, mp), hp.Month);
    }

}
